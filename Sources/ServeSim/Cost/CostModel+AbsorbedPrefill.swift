/// The absorbed MLA path of a prefill batch (`MLAPrefillDispatch`).
extension CostModel {
  /// A prefill batch's attention run as absorbed MLA: every head's query,
  /// projected into the latent (the absorbed W_UK that `mlaBlock` prices for
  /// every token), attends over the cached latent and rotary key, keys
  /// kv_lora_rank + rope wide and values kv_lora_rank wide, and the output
  /// stays in the latent until W_UV (also in `mlaBlock`); no key or value is
  /// expanded (no kv_b projection). SGLang 0.5.5's fa3 backend
  /// (`FlashAttentionBackend.forward_extend`, the absorbed branch:
  /// `flash_attn_with_kvcache` with `qv`).
  func mlaAbsorbedPrefill(_ shape: BatchShape, _ mla: MLASpec, mode: LaunchMode) -> OperatorEstimate {
    let heads = headsPerRank
    let latent = Double(mla.kvLoraRank)
    let key = latent + Double(mla.qkRopeHeadDim)
    let flops = 2 * heads * shape.prefillAttentionPairs * (key + latent)
    let bytes =
      shape.prefillContextTokens * Double(mla.cacheElementsPerToken) * latentCacheBytes
      + Double(shape.prefillTokens) * heads * (key + latent) * activationBytes
    let time = max(flops / attentionFlopsPerSecond, bytes / bytesPerSecond)
    var total = issued(
      OperatorEstimate(
        seconds: time + attentionFixedSeconds(kernels: 1, mode: mode), flops: flops, bytes: bytes),
      mode: mode)
    total += kvPoolCast(mla, mode: mode)
    return total
  }

  /// Bytes per element of the latent cache as the absorbed MLA kernel reads
  /// it: the activations' format when the backend converts the pool first
  /// (`kvPoolCastTokens`), the cache's own otherwise.
  var latentCacheBytes: Double { kvPoolCastTokens > 0 ? activationBytes : kvBytes }

  /// The conversion of a layer's whole KV pool to 16 bits ahead of an
  /// absorbed MLA kernel (`kvPoolCastTokens`): SGLang 0.5.6 and 0.5.9's
  /// `FlashAttentionBackend.forward_decode` and `forward_extend`
  /// (srt/layers/attention/flashattention_backend.py, the absorbed branch)
  /// call `token_to_kv_pool.get_key_buffer(layer_id).to(q.dtype)`, which
  /// copies every slot of the layer's buffer when the cache is fp8 (the
  /// query stays bf16: FA3 takes fp8 queries only up to head width 256, and
  /// the latent's is 576), reading the fp8 pool and writing a bf16 copy.
  func kvPoolCast(_ mla: MLASpec, mode: LaunchMode) -> OperatorEstimate {
    guard kvPoolCastTokens > 0 else { return .zero }
    let elements = kvPoolCastTokens * Double(mla.cacheElementsPerToken)
    return elementwise(bytes: elements * (kvBytes + activationBytes), flops: 0, mode: mode, op: .copy)
  }
}
