/// Prices one iteration of a replica under attention data parallelism: every
/// attention rank runs its own batch through attention, and the MoE layers,
/// whose all-to-all (or gather) needs every rank, make the ranks step
/// together. Each layer therefore costs the slowest rank's attention (and its
/// own share of the MoE block) plus the MoE work over the tokens of all ranks
/// (SGLang 0.5.2 `Scheduler.prepare_mlp_sync_batch`: ranks exchange their
/// token counts each step and a rank with nothing to run joins with an idle
/// batch).
///
/// CUDA graphs: a step replays graphs only when every rank's batch is
/// decode-only or idle (`can_cuda_graph = min(...)` over the ranks), each
/// rank then padded to the graph size of the largest rank's batch.
///
/// Token-proportional parts are memoised by token count (a rank's by its
/// tokens, the replica-wide parts by the tokens of all ranks), so the
/// per-iteration path does no allocation.
public struct LockstepPricer: Sendable {
  /// One attention rank's cost model (tensor group of `attentionTensor` devices).
  public let rank: CostModel
  /// The replica-wide cost model (tensor group of all the replica's devices,
  /// expert parallelism and imbalance as planned).
  public let wide: CostModel
  public let profile: EngineProfile
  /// Attention ranks of the replica.
  public let ranks: Int
  private let denseLayers: Double
  private let moeLayers: Double
  /// Memo of a rank's attention block, MoE share and embedding by [eager,
  /// graph] and the rank's tokens (seconds −1: not priced yet).
  private var memoAttention: [[OperatorEstimate]]
  private var memoRankMoE: [[OperatorEstimate]]
  private var memoEmbed: [[OperatorEstimate]]
  /// Memo of the routed experts by [eager normal, eager low-latency, graph]
  /// dispatch and the tokens of all ranks, and of the gathered dense MLP by
  /// [eager, graph] and those tokens.
  private var memoRouted: [[OperatorEstimate]]
  private var memoDense: [[OperatorEstimate]]

  /// - Parameters:
  ///   - maxTokens: the most tokens one rank's batch holds (larger counts are
  ///     priced without the memo).
  public init(rank: CostModel, wide: CostModel, profile: EngineProfile, ranks: Int, maxTokens: Int) {
    self.rank = rank
    self.wide = wide
    self.profile = profile
    self.ranks = max(ranks, 1)
    let moe = wide.model.moeLayerCount(in: 0..<wide.model.costedLayers)
    moeLayers = Double(moe)
    denseLayers = Double(wide.model.costedLayers - moe)
    let unset = OperatorEstimate(seconds: -1, flops: 0, bytes: 0, kernels: 0)
    let perRank = [OperatorEstimate](repeating: unset, count: max(maxTokens, 1) + 1)
    let all = [OperatorEstimate](repeating: unset, count: max(maxTokens, 1) * self.ranks + 1)
    memoAttention = [perRank, perRank]
    memoRankMoE = [perRank, perRank]
    memoEmbed = [perRank, perRank]
    memoRouted = [all, all, all]
    memoDense = [all, all]
  }

  @inline(__always)
  private static func memo(
    _ table: inout [[OperatorEstimate]], _ slot: Int, _ n: Int, _ price: () -> OperatorEstimate
  ) -> OperatorEstimate {
    if n < table[slot].count, table[slot][n].seconds >= 0 { return table[slot][n] }
    let priced = price()
    if n < table[slot].count { table[slot][n] = priced }
    return priced
  }

  /// Prices one lockstep iteration of the ranks' batches (nil: the rank runs
  /// an idle batch); at least one batch is not nil.
  public mutating func price(_ shapes: [BatchShape?]) -> IterationCost {
    var largest = 0
    var total = 0
    var prefill = false
    var sampled = 0
    var sequences = 0
    for case let shape? in shapes {
      largest = max(largest, shape.tokens)
      total += shape.tokens
      prefill = prefill || shape.prefillTokens > 0
      sampled += shape.sampledSequences
      sequences = max(sequences, shape.sequences)
    }
    let graph = profile.graphsForDecode && !prefill && largest <= profile.graphMaxBatch
    let mode: LaunchMode = graph ? .graph : .eager
    let slot = graph ? 1 : 0
    let padded = graph ? IterationPricer.graphPadded(largest) : largest
    let all = graph ? padded * ranks : total
    let rank = rank
    var slowDense = OperatorEstimate.zero
    var slowMoE = OperatorEstimate.zero
    var slowEmbed = OperatorEstimate.zero
    var rankFlops = 0.0
    let layers = denseLayers + moeLayers
    for shape in shapes {
      let m = graph ? padded : (shape?.tokens ?? 0)
      var attention = Self.memo(&memoAttention, slot, m) {
        rank.model.mla == nil
          ? rank.attentionBlock(tokens: Double(m), mode: mode) : rank.mlaBlock(tokens: Double(m), mode: mode)
      }
      if m == 0 { attention = .zero }
      if let shape {
        attention += rank.attentionPrefill(shape, mode: mode)
        attention += rank.attentionDecode(shape, mode: mode)
      }
      var moe = attention
      moe += Self.memo(&memoRankMoE, slot, m) { rank.rankMoE(tokens: Double(m), mode: mode) }
      let embed = Self.memo(&memoEmbed, slot, m) { rank.embedding(tokens: Double(m), mode: mode) }
      if attention.seconds > slowDense.seconds { slowDense = attention }
      if moe.seconds > slowMoE.seconds { slowMoE = moe }
      if embed.seconds > slowEmbed.seconds { slowEmbed = embed }
      rankFlops += layers * attention.flops + moeLayers * (moe.flops - attention.flops) + embed.flops
    }
    let wide = wide
    let ranks = ranks
    let lowLatency = !prefill
    // TensorRT-LLM gathers and scatters the MoE tokens (CostModel+GatheredMoE).
    let gathers = profile.engine == .trtllm
    let routed = Self.memo(&memoRouted, graph ? 2 : lowLatency ? 1 : 0, all) {
      wide.routedExperts(tokens: Double(all), lowLatency: lowLatency, mode: mode, gathers: gathers)
    }
    var dense = OperatorEstimate.zero
    if denseLayers > 0 {
      dense = Self.memo(&memoDense, slot, all) { wide.mlpBlock(tokens: Double(all), mode: mode) }
      let gathered =
        Double(padded * ranks * wide.model.hiddenSize) * (wide.precision.activations == .fp32 ? 4 : 2)
      dense.seconds += wide.tensorGroup.allGather(bytes: gathered)
    }
    let sampling = wide.sampling(sampled: Double(sampled), mode: mode)
    let cpu = (profile.iterationOverheadUs + profile.perSequenceOverheadUs * Double(sequences)) * 1e-6
    let perLayer = slowDense.seconds + dense.seconds
    let perMoELayer = slowMoE.seconds + routed.seconds
    var host = cpu
    if profile.overlapsScheduling {
      let device = denseLayers * perLayer + moeLayers * perMoELayer + slowEmbed.seconds + sampling.seconds
      host = max(0, cpu - device)
    }
    let g = Double(wide.tensor)
    let flops =
      rankFlops * Double(rank.tensor)
      + (moeLayers * routed.flops + denseLayers * dense.flops + sampling.flops) * g
    var sources = slowDense.sources * denseLayers + slowMoE.sources * moeLayers + slowEmbed.sources
    sources += routed.sources * moeLayers + dense.sources * denseLayers + sampling.sources
    return IterationCost(
      perLayer: perLayer, perMoELayer: perMoELayer, head: host + slowEmbed.seconds, tail: sampling.seconds,
      flops: flops, graph: graph, sources: sources)
  }
}
