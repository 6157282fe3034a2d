extension MemoryPlan {
  /// This memory with the KV cache cut to what a llama.cpp server allocates
  /// (`LlamaCppOptions.kvTokens`: `--ctx-size` tokens, unified or as one
  /// stream per slot), when the device has room for more. The server has no
  /// paging: each slot's context is its own, so the cut never refuses a
  /// request that fits its slot.
  public mutating func capToLlamaCpp(_ options: LlamaCppOptions, model: ModelSpec, blockSize: Int) {
    let tokens = options.kvTokens(trainContext: model.maxContext)
    let cap = (tokens + blockSize - 1) / max(blockSize, 1)
    guard cap < blocks else { return }
    blocks = cap
    kvTokens = cap * blockSize
    kvBytes = Double(cap) * blockBytes
  }
}
