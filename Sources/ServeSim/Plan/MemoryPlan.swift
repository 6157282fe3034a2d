/// Where one device's memory goes under a plan, and how many KV-cache blocks
/// are left, as the engine decides it (`MemoryAccounting`): `memory_utilization`
/// is vLLM's `gpu_memory_utilization`, SGLang's `mem_fraction_static` or
/// TensorRT-LLM's `free_gpu_memory_fraction`, applied to memory as the driver
/// reports it (`DeviceSpec.visibleMemoryBytes`).
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
  /// KV-cache blocks of the replica (each device holds its share of every
  /// block); under attention data parallelism, of one attention rank.
  public var blocks: Int
  /// Tokens of KV cache one replica (one attention rank) holds.
  public var kvTokens: Int
  /// How the engine sized the KV cache.
  public var accounting: MemoryAccounting

  public init(
    model: ModelSpec, device: DeviceSpec, parallelism: Parallelism,
    precision: Precision, scheduler: SchedulerConfig, engine: EngineKind = .vllm
  ) {
    let t = Double(parallelism.tensor)
    let p = Double(parallelism.pipeline)
    deviceBytes = device.visibleMemoryBytes
    accounting = engine.memoryAccounting
    let fraction = scheduler.memoryUtilization
    // Layer weights split over tensor ranks and pipeline stages. Embedding and LM
    // head are vocabulary-parallel over tensor ranks and stay 16-bit under
    // weight quantisation (vLLM quantises linear layers only).
    // Under pipeline parallelism the first stage holds the embedding and the
    // last the LM head (both when tied and split); the binding device is the
    // stage with the most bytes.
    let stages = parallelism.layersPerStage(of: model.costedLayers)
    let table = Double(model.vocabSize) * Double(model.hiddenSize) * 2
    let positions = model.embeddingParameters * 2 - table * (model.tiedEmbeddings ? 1 : 2)
    var heaviest = 0.0
    var stageWeights = [Double]()
    var firstLayer = 0
    for (s, layers) in stages.enumerated() {
      let parameters = model.parameters(ofLayers: firstLayer..<(firstLayer + layers))
      firstLayer += layers
      var bytes = parameters * precision.weights.bytes / t
      if let moe = model.moe {
        // Redundant copies of experts (EPLB) are more whole experts spread
        // over the stage's devices, as the routed ones are.
        let copies = Double(parallelism.expertCopies)
        let moeLayers = Double(model.moeLayerCount(in: (firstLayer - layers)..<firstLayer))
        bytes +=
          moeLayers * copies * moe.expertParameters(hidden: model.hiddenSize) * precision.weights.bytes / t
      }
      if s == 0 { bytes += (table + positions) / t }
      if s == stages.count - 1 && (stages.count > 1 || !model.tiedEmbeddings) { bytes += table / t }
      if parallelism.attentionData > 1 {
        bytes = Self.attentionDataWeights(model: model, parallelism: parallelism, precision: precision)
      }
      stageWeights.append(bytes)
      heaviest = max(heaviest, bytes)
    }
    weightBytes = heaviest
    // Activation peak of a forward pass at the token budget (vLLM profiles a
    // dummy run of max_num_batched_tokens): residual, QKV, MLP inner buffers,
    // plus fp32 logits of max_num_seqs sampled positions.
    let tokens = Double(max(scheduler.maxNumBatchedTokens, 1))
    let h = Double(model.hiddenSize)
    let perToken =
      4 * h + Double(model.qkvOutputSize) / Double(max(parallelism.attentionTensor, 1)) + 3
      * Double(model.intermediateSize) / t
    let act = precision.activations == .fp32 ? 4.0 : 2.0
    activationBytes =
      tokens * perToken * act + Double(scheduler.maxNumSeqs) * Double(model.vocabSize) * 4
    runtimeBytes = device.runtimeOverheadGB * 1e9
    let device = deviceBytes
    let outside = activationBytes + runtimeBytes
    let accounting = accounting
    /// KV-cache bytes left beside `weights` bytes of weights.
    func kvRoom(_ weights: Double) -> Double {
      switch accounting {
      case .profiled: max(0, device * fraction - weights - outside)
      case .staticFraction: max(0, device * fraction - weights)
      case .freeFraction: max(0, (device - weights - outside) * fraction)
      }
    }
    kvBytes = kvRoom(weightBytes)
    // What the engine takes in all: its budget, and for SGLang the activations
    // and runtime beside it; for TensorRT-LLM what it allocated.
    switch accounting {
    case .profiled: usableBytes = device * fraction
    case .staticFraction: usableBytes = device * fraction + outside
    case .freeFraction: usableBytes = weightBytes + outside + kvBytes
    }
    let perLayerBlock =
      Double(scheduler.blockSize) * model.kvElementsPerTokenPerLayer(tensor: parallelism.attentionTensor)
      * precision.kvCache.bytes
    // Every stage holds the blocks of its own layers; the replica has as many
    // blocks as its tightest stage allows (vLLM takes the minimum over workers).
    var fewest = Int.max
    var largestBlock = 0.0
    for (s, layers) in stages.enumerated() {
      let block = perLayerBlock * Double(layers)
      let free = kvRoom(stageWeights[s])
      largestBlock = max(largestBlock, block)
      fewest = min(fewest, block > 0 ? Int(free / block) : 0)
    }
    blockBytes = largestBlock
    blocks = fewest == Int.max ? 0 : fewest
    _ = p
    kvTokens = blocks * scheduler.blockSize
  }

  /// The memory of one device of `plan`'s (only or prefill) pool under its engine.
  public init(plan: PlanSpec) {
    self.init(
      model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
      precision: plan.precision, scheduler: plan.scheduler, engine: plan.engine)
  }

  /// Whether the plan can hold its weights and at least one block per device.
  public var fits: Bool { blocks > 0 }
}
