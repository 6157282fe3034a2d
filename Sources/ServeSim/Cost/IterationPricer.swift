/// Prices iterations from a `CostModel`, memoising the token-proportional part
/// by token count so that a long simulation prices each batch size once.
///
/// Attention is priced from the batch's aggregate sums in O(1), so the memo
/// needs no key beyond the token count.
public struct IterationPricer: Sendable {
  public let cost: CostModel
  public let profile: EngineProfile
  /// Memo of the token-proportional prices by token count, run eagerly and
  /// in a captured graph (`DenseMemoEntry.unset` where not priced yet): one
  /// entry a token count, so that a hit reads one element.
  private var memoEager: [DenseMemoEntry]
  private var memoGraph: [DenseMemoEntry]
  /// Layers with a dense MLP and layers with an MoE block.
  private let denseLayers: Double
  private let moeLayers: Double
  private let layers: Double
  private let ranks: Double
  /// Sampling (LM head, logits gather, sampler) by sampled sequences, eager
  /// and in graphs (seconds < 0: not priced yet; grown to the largest count seen).
  private var memoSampling: [[OperatorEstimate]]
  /// Host time to issue one layer's token-proportional kernels eagerly (dense
  /// and MoE layers) and the embedding's, in seconds, where the host keeps
  /// ahead of the device (`EngineProfile.hostKeepsAhead`; else 0).
  private let hostLayer: Double
  private let hostMoELayer: Double
  private let hostEmbed: Double
  /// Host time to issue one kernel eagerly where the host keeps ahead, in seconds.
  private let hostKernel: Double
  /// The draft passes of speculative decoding (nil: the plan does not speculate).
  public var draft: DraftPricer?

  /// - Parameters:
  ///   - cost: the replica's cost model.
  ///   - profile: the engine (graphs, CPU overheads).
  ///   - maxTokens: the largest token count to memoise (larger batches are priced
  ///     directly).
  public init(cost: CostModel, profile: EngineProfile, maxTokens: Int) {
    var cost = cost
    // Kernels issued one by one wait for their issue in the cost model.
    cost.hostKernelSeconds = profile.hostKeepsAhead ? 0 : profile.hostKernelUs * 1e-6
    self.cost = cost
    self.profile = profile
    let size = max(maxTokens, 1) + 1
    memoEager = [DenseMemoEntry](repeating: .unset, count: size)
    memoGraph = memoEager
    let moe = cost.model.moeLayerCount(in: 0..<cost.model.costedLayers)
    moeLayers = Double(moe)
    denseLayers = Double(cost.model.costedLayers - moe)
    layers = Double(cost.model.costedLayers)
    ranks = Double(cost.tensor)
    memoSampling = [[], []]
    hostKernel = profile.hostKeepsAhead ? profile.hostKernelUs * 1e-6 : 0
    hostLayer = cost.denseLayer(tokens: 1, mode: .eager).kernels * hostKernel
    hostMoELayer =
      moe > 0 ? cost.denseLayer(tokens: 1, mode: .eager, moe: true).kernels * hostKernel : hostLayer
    hostEmbed = cost.embedding(tokens: 1, mode: .eager).kernels * hostKernel
  }

  /// The sampling step for `sampled` sequences, memoised (it depends on the
  /// count and the launch mode only).
  private mutating func sampling(_ sampled: Int, graph: Bool) -> OperatorEstimate {
    let slot = graph ? 1 : 0
    if sampled < memoSampling[slot].count, memoSampling[slot][sampled].seconds >= 0 {
      return memoSampling[slot][sampled]
    }
    let priced = cost.sampling(sampled: Double(sampled), mode: graph ? .graph : .eager)
    // Grown on demand: batches sample at most max_num_seqs sequences.
    let unpriced = OperatorEstimate(seconds: -1, flops: 0, bytes: 0, kernels: 0)
    while memoSampling[slot].count <= sampled { memoSampling[slot].append(unpriced) }
    memoSampling[slot][sampled] = priced
    return priced
  }

  /// The batch size a captured graph runs for `tokens` tokens: the next
  /// capture size, [1, 2, 4] then multiples of 8 (vLLM 0.8.5 V1
  /// `VllmConfig._set_cudagraph_sizes`: [1, 2, 4] + range(8, 513, 8); SGLang's
  /// default list has the same steps up to 160).
  public static func graphPadded(_ tokens: Int) -> Int {
    if tokens <= 2 { return tokens }
    if tokens <= 4 { return 4 }
    return (tokens + 7) / 8 * 8
  }

  /// Whether an iteration of this shape replays a captured graph: vLLM V1 runs
  /// piecewise CUDA graphs (attention outside them) for any batch up to the
  /// largest capture size; SGLang and TensorRT-LLM capture decode-only batches.
  public func usesGraph(_ shape: BatchShape) -> Bool { Self.usesGraph(shape, profile) }

  /// `usesGraph` for `profile`, callable without copying a pricer.
  @inline(__always)
  static func usesGraph(_ shape: BatchShape, _ profile: EngineProfile) -> Bool {
    // Decode-only graphs are captured by batch size in sequences (a verify
    // step's graph runs 1 + k rows per sequence: SGLang 0.5.5
    // `CudaGraphRunner` with speculative decoding), piecewise ones by tokens.
    let size = profile.graphsForMixedBatches ? shape.tokens : shape.tokens - shape.speculativeTokens
    return profile.graphsForDecode && size <= profile.graphMaxBatch
      && (profile.graphsForMixedBatches || shape.prefillTokens == 0)
  }

  /// The token-proportional time of one layer and of the embedding, and the
  /// FLOPs of all layers and the embedding on one rank, for `tokens`.
  mutating func dense(tokens: Int, graph: Bool) -> (
    layer: Double, moe: Double, embed: Double, flops: Double, sources: SourceSeconds
  ) {
    let mode: LaunchMode = graph ? .graph : .eager
    let run = graph ? Self.graphPadded(tokens) : tokens
    if run < memoEager.count {
      let hit = graph ? memoGraph[run] : memoEager[run]
      if hit.layer >= 0 { return (hit.layer, hit.moe, hit.embed, hit.flops, hit.sources) }
    }
    let layer = cost.denseLayer(tokens: Double(run), mode: mode)
    let moe = moeLayers > 0 ? cost.denseLayer(tokens: Double(run), mode: mode, moe: true) : layer
    let embed = cost.embedding(tokens: Double(run), mode: mode)
    let flops = denseLayers * layer.flops + moeLayers * moe.flops + embed.flops
    let sources = layer.sources * denseLayers + moe.sources * moeLayers + embed.sources
    // Eager kernels wait for their issue (`CostModel.issued`).
    let layerS = layer.seconds + layer.idle
    let moeS = moe.seconds + moe.idle
    let embedS = embed.seconds + embed.idle
    if run < memoEager.count {
      let entry = DenseMemoEntry(layer: layerS, moe: moeS, embed: embedS, flops: flops, sources: sources)
      if graph { memoGraph[run] = entry } else { memoEager[run] = entry }
    }
    return (layerS, moeS, embedS, flops, sources)
  }

  /// A lower bound on the time of any iteration of `tokens` tokens: the
  /// token-proportional work in the cheaper launch mode, no attention, no
  /// sampling, and the CPU overhead of one sequence. Every real iteration of
  /// that many tokens costs at least this much (the optimizer's bound).
  public mutating func lowerBound(tokens: Int) -> IterationCost {
    let eager = dense(tokens: tokens, graph: false)
    var layer = eager.layer
    var moe = eager.moe
    var embed = eager.embed
    if profile.graphsForDecode && tokens <= profile.graphMaxBatch {
      let graph = dense(tokens: tokens, graph: true)
      layer = min(layer, graph.layer)
      moe = min(moe, graph.moe)
      embed = min(embed, graph.embed)
    }
    let cpu =
      profile.overlapsScheduling ? 0 : (profile.iterationOverheadUs + profile.perSequenceOverheadUs) * 1e-6
    return IterationCost(
      perLayer: layer, perMoELayer: moe, head: cpu + embed, tail: 0, flops: 0, graph: false)
  }

  /// Grows the memo to hold every token count up to `tokens`.
  public mutating func growMemo(upTo tokens: Int) {
    let extra = tokens + 1 - memoEager.count
    guard extra > 0 else { return }
    memoEager += repeatElement(.unset, count: extra)
    memoGraph += repeatElement(.unset, count: extra)
  }

  /// Takes `other`'s memo where it holds at least as many token counts: a
  /// pricer of the same cost model (another plan's scheduler limits), whose
  /// memoised prices are this one's (they depend on the cost model and the
  /// launch mode alone).
  public mutating func adoptMemo(of other: IterationPricer) {
    guard other.memoEager.count >= memoEager.count else { return }
    memoEager = other.memoEager
    memoGraph = other.memoGraph
    memoSampling = other.memoSampling
  }

  /// Fills the memo for every token count up to `tokens`, in both launch modes,
  /// so that copies of this pricer share the work.
  public mutating func warm(upTo tokens: Int) {
    for n in 1...max(1, min(tokens, memoEager.count - 1)) {
      _ = dense(tokens: n, graph: false)
      if n <= profile.graphMaxBatch { _ = dense(tokens: n, graph: true) }
    }
  }

  /// Prices one iteration.
  public mutating func price(_ shape: BatchShape) -> IterationCost {
    // Stored properties and static helpers only: calling a non-mutating
    // method of `self` from this mutating one copied the whole pricer (1.8 kB)
    // on every iteration.
    let graph = Self.usesGraph(shape, profile)
    let d =
      profile.ubatchTokens > 0 && shape.tokens > profile.ubatchTokens
      ? microBatched(tokens: shape.tokens, ubatch: profile.ubatchTokens, graph: graph)
      : dense(tokens: shape.tokens, graph: graph)
    var drafts: (seconds: Double, flops: Double) = (0, 0)
    if shape.draftSteps > 0, let priced = draft?.price(shape, graph: graph) { drafts = priced }
    if shape.prefillTokens > 0, let priced = draft?.prefill(shape) {
      drafts = (drafts.seconds + priced.seconds, drafts.flops + priced.flops)
    }
    let sampling = sampling(shape.sampledSequences, graph: graph)
    return priced(shape, graph: graph, dense: d, sampling: sampling, drafts: drafts)
  }

  /// The rest of `price` once the memoised parts are known: a non-mutating
  /// method, so the cost model is read in place rather than copied out of
  /// `self` for each of its calls.
  private func priced(
    _ shape: BatchShape, graph: Bool,
    dense d: (layer: Double, moe: Double, embed: Double, flops: Double, sources: SourceSeconds),
    sampling: OperatorEstimate, drafts: (seconds: Double, flops: Double)
  ) -> IterationCost {
    let mode: LaunchMode = graph ? .graph : .eager
    let prefill = cost.attentionPrefill(shape, mode: mode)
    var decode = cost.attentionDecode(shape, mode: mode)
    decode += cost.verifyAttention(shape, decode: decode)
    var cpu =
      (profile.iterationOverheadUs + profile.perSequenceOverheadUs * Double(shape.sequences))
      * 1e-6
    // A speculative step's per-request host work (`speculativeSequenceUs`).
    if shape.draftSteps > 0 { cpu += profile.speculativeSequenceUs * Double(shape.decodeSequences) * 1e-6 }
    let flops = (d.flops + layers * (prefill.flops + decode.flops) + sampling.flops + drafts.flops) * ranks
    let sources = d.sources + (prefill.sources + decode.sources) * layers + sampling.sources
    // Eager, kernels issued one by one (`EngineProfile.hostKeepsAhead`
    // false): the device runs each kernel once the host has issued it, so
    // each takes the longer of its issue and its run (`idle`,
    // `CostModel.issued`; the token-proportional part's waits are in the memo).
    let attention = prefill.seconds + decode.seconds + prefill.idle + decode.idle
    var layer = d.layer + attention
    var moeLayer = d.moe + attention
    var embed = d.embed
    // The draft passes follow the verify (they start from its hidden states).
    var tail = sampling.seconds + sampling.idle + drafts.seconds
    if !graph && hostKernel > 0 {
      // Eager, the host keeping ahead: a layer whose kernels are shorter
      // than their issue takes the host's time; the GPU waits on an empty
      // queue, and a longer one hides the issue.
      let hostAttention = (prefill.kernels + decode.kernels) * hostKernel
      layer = max(layer, hostLayer + hostAttention)
      moeLayer = max(moeLayer, hostMoELayer + hostAttention)
      embed = max(embed, hostEmbed)
      tail = max(tail, sampling.kernels * hostKernel + drafts.seconds)
    }
    var host = cpu
    if profile.overlapsScheduling {
      // The next batch is scheduled during this one: the CPU time shows only
      // where it outlasts the device (SGLang 0.4.9 Scheduler.event_loop_overlap).
      let device = denseLayers * layer + moeLayers * moeLayer + embed + tail
      host = max(0, cpu - device)
    }
    return IterationCost(
      perLayer: layer, perMoELayer: moeLayer, head: host + embed, tail: tail, flops: flops,
      graph: graph, sources: sources)
  }
}
