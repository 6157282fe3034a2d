/// Where one device's memory goes under a plan, and how many KV-cache blocks
/// are left, as vLLM's memory profiling decides it: the engine may use
/// `memory_utilization` of the device; weights, the activation peak of the
/// largest batch and the runtime's own buffers come out first; the rest is KV cache.
public struct MemoryPlan: Sendable, Equatable {
  /// All figures in bytes, per device.
  public var deviceBytes: Double
  public var usableBytes: Double
  public var weightBytes: Double
  public var activationBytes: Double
  public var runtimeBytes: Double
  public var kvBytes: Double
  /// Bytes of one KV-cache block on one device.
  public var blockBytes: Double
  /// KV-cache blocks of the replica (each device holds its share of every block).
  public var blocks: Int
  /// Tokens of KV cache one replica holds.
  public var kvTokens: Int

  public init(
    model: ModelSpec, device: DeviceSpec, parallelism: Parallelism,
    precision: Precision, scheduler: SchedulerConfig
  ) {
    let t = Double(parallelism.tensor)
    let p = Double(parallelism.pipeline)
    deviceBytes = device.memoryGB * 1e9
    usableBytes = deviceBytes * scheduler.memoryUtilization
    // Layer weights split over tensor ranks and pipeline stages. Embedding and LM
    // head are vocabulary-parallel over tensor ranks and stay 16-bit under
    // weight quantisation (vLLM quantises linear layers only).
    let layerBytes = model.parametersPerLayer * Double(model.costedLayers) * precision.weights.bytes
    let embeddingBytes = model.embeddingParameters * 2
    weightBytes = layerBytes / (t * p) + embeddingBytes / t
    // Activation peak of a forward pass at the token budget (vLLM profiles a
    // dummy run of max_num_batched_tokens): residual, QKV, MLP inner buffers,
    // plus fp32 logits of max_num_seqs sampled positions.
    let tokens = Double(max(scheduler.maxNumBatchedTokens, 1))
    let h = Double(model.hiddenSize)
    let perToken =
      4 * h + Double(model.qkvOutputSize) / t + 3 * Double(model.intermediateSize) / t
    let act = precision.activations == .fp32 ? 4.0 : 2.0
    activationBytes =
      tokens * perToken * act + Double(scheduler.maxNumSeqs) * Double(model.vocabSize) * 4
    runtimeBytes = device.runtimeOverheadGB * 1e9
    kvBytes = max(0, usableBytes - weightBytes - activationBytes - runtimeBytes)
    let kvHeadsPerRank = max(1, Double(model.kvHeads) / t)
    let layersPerStage = Double(model.costedLayers) / p
    blockBytes =
      Double(scheduler.blockSize) * 2 * kvHeadsPerRank * Double(model.headDim) * layersPerStage
      * precision.kvCache.bytes
    blocks = blockBytes > 0 ? Int(kvBytes / blockBytes) : 0
    kvTokens = blocks * scheduler.blockSize
  }

  /// Whether the plan can hold its weights and at least one block per device.
  public var fits: Bool { blocks > 0 }
}
