/// Prices the draft passes of a speculative decoding step: the draft head
/// (MTP or EAGLE: one decoder layer of the target and its LM head) or the
/// draft model, run once per draft token, one after the other; memoised by
/// rows and launch mode.
public struct DraftPricer: Sendable {
  /// The cost model the drafts run on: the target's (MTP, EAGLE) or the
  /// draft model's on the same devices.
  let cost: CostModel
  /// Whether a pass is the whole draft model (else one head layer).
  let wholeModel: Bool
  /// Decoder layers one pass runs (attention priced per layer).
  let layers: Double
  /// Memo of one pass's token-proportional seconds by [eager, graph] and
  /// sequences (−1: unset), grown on demand.
  private var memo: [[Double]] = [[], []]
  private var memoFlops: [Double] = []

  /// - Parameters:
  ///   - method: where the drafts come from.
  ///   - target: the target's cost model.
  ///   - draftModel: the draft model (`method: draft`).
  public init(method: SpeculativeMethod, target: CostModel, draftModel: ModelSpec?) {
    if method == .draft, let draftModel {
      var draft = CostModel(
        model: draftModel, device: target.device, precision: target.precision,
        tensorGroup: target.tensorGroup, calibration: target.calibration)
      draft.fusesActivationQuantisation = target.fusesActivationQuantisation
      draft.fusedMoEComputeShare = target.fusedMoEComputeShare
      draft.fusedMoERowSeconds = target.fusedMoERowSeconds
      draft.attentionComputeShare = target.attentionComputeShare
      draft.useAttentionTiles(target.attentionTiles)
      cost = draft
      wholeModel = true
      layers = Double(draftModel.costedLayers)
    } else {
      cost = target
      wholeModel = false
      layers = 1
    }
  }

  /// The draft passes of a batch of this shape, as the engines run them:
  /// the first over every verified position of every sequence (it takes the
  /// verify's hidden states and gives the first draft: vLLM 0.11
  /// `EagleProposer.propose`, vllm/v1/spec_decode/eagle.py, and SGLang
  /// 0.5.5's draft extend after the verify, `forward_draft_extend_after_decode`
  /// with `num_tokens_per_batch = num_steps + 1`,
  /// sglang/srt/speculative/eagle_worker.py), then `draftSteps − 1` over
  /// one row per sequence; each with one layer's (or the draft model's)
  /// decode attention over the sequences' contexts.
  ///
  /// - Returns: seconds and FLOPs on one rank.
  public mutating func price(_ shape: BatchShape, graph: Bool) -> (seconds: Double, flops: Double) {
    guard shape.draftSteps > 0, shape.decodeSequences > 0 else { return (0, 0) }
    let mode: LaunchMode = graph ? .graph : .eager
    let sequences = shape.decodeSequences
    let verified = sequences + shape.speculativeTokens
    let first = pass(graph ? IterationPricer.graphPadded(verified) : verified, mode: mode)
    let next = pass(graph ? IterationPricer.graphPadded(sequences) : sequences, mode: mode)
    let attention = cost.attentionDecode(shape.decodeRows, mode: mode)
    var firstAttention = attention
    firstAttention += cost.verifyAttention(shape, decode: attention)
    let steps = Double(shape.draftSteps - 1)
    let seconds =
      first.seconds + layers * firstAttention.seconds + steps * (next.seconds + layers * attention.seconds)
    let flops = first.flops + layers * firstAttention.flops + steps * (next.flops + layers * attention.flops)
    return (seconds, flops)
  }

  /// The draft's pass over a batch's prefill chunks: the engines run the
  /// draft over every prompt token the target prefills, so that it holds
  /// the prompt's KV cache (and, for a head, the target's hidden states of
  /// every position) before the first decode step. SGLang 0.5.5
  /// `EAGLEWorker.forward_batch_generation` follows `forward_target_extend`
  /// with `forward_draft_extend` over the same extend tokens, sampling each
  /// finished prompt's last position (sglang/srt/speculative/eagle_worker.py);
  /// vLLM 0.11 `GPUModelRunner.propose_draft_token_ids` hands the proposer
  /// the target's hidden states of every scheduled token, prefill chunks
  /// included (vllm/v1/worker/gpu_model_runner.py, `EagleProposer.propose`);
  /// TensorRT-LLM's MTP runs its layers on the context tokens as well. One
  /// eager pass (no graph holds a prefill batch), with the draft's layers of
  /// prefill attention over the chunks' contexts.
  ///
  /// - Returns: seconds and FLOPs on one rank.
  public func prefill(_ shape: BatchShape) -> (seconds: Double, flops: Double) {
    guard shape.prefillTokens > 0 else { return (0, 0) }
    let m = Double(shape.prefillTokens)
    let sampled = Double(shape.endingPrompts)
    let pass =
      wholeModel
      ? cost.draftModel(tokens: m, sampled: sampled, mode: .eager)
      : cost.draftHead(tokens: m, sampled: sampled, mode: .eager)
    let attention = cost.attentionPrefill(shape, mode: .eager)
    return (pass.seconds + layers * attention.seconds, pass.flops + layers * attention.flops)
  }

  /// One pass's token-proportional seconds and FLOPs for `sequences` rows.
  private mutating func pass(_ sequences: Int, mode: LaunchMode) -> (seconds: Double, flops: Double) {
    let slot = mode == .graph ? 1 : 0
    if sequences < memo[slot].count, memo[slot][sequences] >= 0 {
      return (memo[slot][sequences], memoFlops[sequences])
    }
    let m = Double(sequences)
    let priced = wholeModel ? cost.draftModel(tokens: m, mode: mode) : cost.draftHead(tokens: m, mode: mode)
    while memo[slot].count <= sequences { memo[slot].append(-1) }
    while memoFlops.count <= sequences { memoFlops.append(0) }
    memo[slot][sequences] = priced.seconds
    memoFlops[sequences] = priced.flops
    return (priced.seconds, priced.flops)
  }
}
