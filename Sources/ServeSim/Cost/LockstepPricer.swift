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
/// Speculative decoding with a draft head (`draftHead`): each rank verifies
/// its own sequences' drafts (the verify's extra attention per rank), and
/// the head's passes follow as lockstep steps of their own (`draftPasses`).
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
  /// Whether the plan speculates with a draft head (MTP or EAGLE: one
  /// decoder layer of the target), whose passes then follow each verify.
  public var draftHead = false
  /// Memo of a draft pass's rank-local part (fusion projection, attention
  /// block, the rank's MoE share, embedding) by [eager, graph] and the
  /// rank's rows, and of its routed experts by [eager normal, eager
  /// low-latency, graph] and the rows of all ranks.
  private var memoDraftRank: [[OperatorEstimate]]
  private var memoDraftRouted: [[OperatorEstimate]]

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
    memoDraftRank = [perRank, perRank]
    memoDraftRouted = [all, all, all]
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
    var largestRows = 0
    var total = 0
    var prefill = false
    var sampled = 0
    var sequences = 0
    var speculating = 0
    for case let shape? in shapes {
      largest = max(largest, shape.tokens)
      // A verify step's graph is captured by sequences (IterationPricer.usesGraph).
      largestRows = max(largestRows, shape.tokens - shape.speculativeTokens)
      total += shape.tokens
      prefill = prefill || shape.prefillTokens > 0
      sampled += shape.sampledSequences
      sequences = max(sequences, shape.sequences)
      if shape.draftSteps > 0 { speculating = max(speculating, shape.decodeSequences) }
    }
    let graph = profile.graphsForDecode && !prefill && largestRows <= profile.graphMaxBatch
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
        let decode = rank.attentionDecode(shape, mode: mode)
        attention += decode
        attention += rank.verifyAttention(shape, decode: decode)
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
    var cpu = (profile.iterationOverheadUs + profile.perSequenceOverheadUs * Double(sequences)) * 1e-6
    // A speculative step's per-request host work, each rank's on its own host
    // thread (`EngineProfile.speculativeSequenceUs`).
    cpu += profile.speculativeSequenceUs * Double(speculating) * 1e-6
    var drafts = (seconds: 0.0, flops: 0.0)
    if draftHead {
      drafts = draftPasses(shapes, graph: graph)
      if prefill {
        let priced = draftPrefill(shapes)
        drafts = (drafts.seconds + priced.seconds, drafts.flops + priced.flops)
      }
    }
    let perLayer = slowDense.seconds + dense.seconds
    let perMoELayer = slowMoE.seconds + routed.seconds
    var host = cpu
    if profile.overlapsScheduling {
      let device =
        denseLayers * perLayer + moeLayers * perMoELayer + slowEmbed.seconds + sampling.seconds
        + drafts.seconds
      host = max(0, cpu - device)
    }
    let g = Double(wide.tensor)
    let flops =
      rankFlops * Double(rank.tensor)
      + (moeLayers * routed.flops + denseLayers * dense.flops + sampling.flops) * g + drafts.flops
    var sources = slowDense.sources * denseLayers + slowMoE.sources * moeLayers + slowEmbed.sources
    sources += routed.sources * moeLayers + dense.sources * denseLayers + sampling.sources
    // The draft passes follow the verify (they start from its hidden states).
    return IterationCost(
      perLayer: perLayer, perMoELayer: perMoELayer, head: host + slowEmbed.seconds,
      tail: sampling.seconds + drafts.seconds, flops: flops, graph: graph, sources: sources)
  }

  /// The draft head's passes after a lockstep verify, as `DraftPricer.price`
  /// runs them on one rank (the first over every verified position, then
  /// `draftSteps − 1` over one row per sequence), each pass a lockstep step
  /// of its own: every rank runs the head's attention over its sequences,
  /// the MoE layer's routed experts take the rows of all ranks. SGLang
  /// 0.5.9 runs the draft worker in the attention-DP groups and, under
  /// `enable_dp_attention`, has every rank run `forward_draft_extend_after_decode`
  /// even with nothing to draft (`EAGLEWorker.forward_batch_generation`,
  /// sglang/srt/speculative/eagle_worker.py); TensorRT-LLM's MTP layers take
  /// the target's attention-DP mapping (u).
  ///
  /// - Returns: seconds, and FLOPs over the replica's devices.
  private mutating func draftPasses(_ shapes: [BatchShape?], graph: Bool) -> (seconds: Double, flops: Double)
  {
    var steps = 0
    for case let shape? in shapes { steps = max(steps, shape.draftSteps) }
    guard steps > 0 else { return (0, 0) }
    let first = draftPass(shapes, verified: true, graph: graph)
    guard steps > 1 else { return first }
    let next = draftPass(shapes, verified: false, graph: graph)
    let more = Double(steps - 1)
    return (first.seconds + more * next.seconds, first.flops + more * next.flops)
  }

  /// One lockstep pass of the draft head: over each rank's verified
  /// positions (`verified`) or one row per decoding sequence.
  private mutating func draftPass(_ shapes: [BatchShape?], verified: Bool, graph: Bool) -> (
    seconds: Double, flops: Double
  ) {
    let mode: LaunchMode = graph ? .graph : .eager
    let slot = graph ? 1 : 0
    var largest = 0
    var total = 0
    for case let shape? in shapes {
      let rows = shape.decodeSequences + (verified ? shape.speculativeTokens : 0)
      largest = max(largest, rows)
      total += rows
    }
    guard total > 0 else { return (0, 0) }
    let padded = graph ? IterationPricer.graphPadded(largest) : largest
    let all = graph ? padded * ranks : total
    let rank = rank
    var slowest = OperatorEstimate.zero
    var flops = 0.0
    for shape in shapes {
      let rows = (shape?.decodeSequences ?? 0) + (verified ? (shape?.speculativeTokens ?? 0) : 0)
      let m = graph ? padded : rows
      var pass = Self.memo(&memoDraftRank, slot, m) { Self.headPass(rank, rows: m, mode: mode) }
      if let shape, shape.decodeSequences > 0 {
        let attention = rank.attentionDecode(shape.decodeRows, mode: mode)
        pass += attention
        if verified { pass += rank.verifyAttention(shape, decode: attention) }
      }
      if pass.seconds > slowest.seconds { slowest = pass }
      flops += pass.flops
    }
    return draftReplicaWide(
      slowest: slowest, rankFlops: flops, tokens: all, sampled: total, slot: graph ? 2 : 1, mode: mode)
  }

  /// A draft pass once its slowest rank's local part (`slowest`) and all
  /// ranks' FLOPs (`rankFlops`, per device of a rank) are known: the
  /// routed experts over `tokens` rows of all ranks (memoised in `slot`:
  /// eager normal 0, eager low-latency 1, graph 2) and the LM head over
  /// `sampled` rows, replica-wide.
  ///
  /// - Returns: seconds, and FLOPs over the replica's devices.
  private mutating func draftReplicaWide(
    slowest: OperatorEstimate, rankFlops: Double, tokens: Int, sampled: Int, slot: Int, mode: LaunchMode
  ) -> (seconds: Double, flops: Double) {
    let wide = wide
    let gathers = profile.engine == .trtllm
    let routed = Self.memo(&memoDraftRouted, slot, tokens) {
      wide.routedExperts(tokens: Double(tokens), lowLatency: slot > 0, mode: mode, gathers: gathers)
    }
    let sampling = wide.sampling(sampled: Double(sampled), mode: mode)
    let seconds = slowest.seconds + routed.seconds + sampling.seconds
    return (
      seconds, rankFlops * Double(rank.tensor) + (routed.flops + sampling.flops) * Double(wide.tensor)
    )
  }

  /// A draft-head pass's rank-local part over `rows` rows, attention
  /// kernels left out: the fusion projection of the embedding and the
  /// target's hidden state (2h → h), the layer's attention block, the rank's
  /// share of the MoE layer and the embedding (`CostModel.draftHead` with the
  /// routed experts and the LM head priced replica-wide).
  private static func headPass(_ rank: CostModel, rows: Int, mode: LaunchMode) -> OperatorEstimate {
    guard rows > 0 else { return .zero }
    let t = Double(rows)
    let h = Double(rank.model.hiddenSize)
    var total = rank.gemm(m: t, n: h, k: 2 * h, mode: mode)
    total +=
      rank.model.mla == nil
      ? rank.attentionBlock(tokens: t, mode: mode) : rank.mlaBlock(tokens: t, mode: mode)
    total += rank.rankMoE(tokens: t, mode: mode)
    total += rank.embedding(tokens: t, mode: mode)
    return total
  }

  /// The draft head's pass over the prompt tokens the ranks prefill
  /// (`DraftPricer.prefill`), eager, in lockstep: each rank's chunks
  /// through the head and its prefill attention, the routed experts over
  /// the tokens of all ranks, the LM head over the prompts that end.
  private mutating func draftPrefill(_ shapes: [BatchShape?]) -> (seconds: Double, flops: Double) {
    let rank = rank
    var slowest = OperatorEstimate.zero
    var flops = 0.0
    var total = 0
    var ended = 0
    for case let shape? in shapes where shape.prefillTokens > 0 {
      let m = shape.prefillTokens
      total += m
      ended += shape.endingPrompts
      var pass = Self.memo(&memoDraftRank, 0, m) { Self.headPass(rank, rows: m, mode: .eager) }
      pass += rank.attentionPrefill(shape, mode: .eager)
      if pass.seconds > slowest.seconds { slowest = pass }
      flops += pass.flops
    }
    guard total > 0 else { return (0, 0) }
    return draftReplicaWide(
      slowest: slowest, rankFlops: flops, tokens: total, sampled: ended, slot: 0, mode: .eager)
  }
}
