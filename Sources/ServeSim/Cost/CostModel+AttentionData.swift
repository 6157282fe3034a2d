import Foundation

/// The MoE layers of a replica under attention data parallelism: the parts
/// that run on every attention rank's own tokens, and the parts that see the
/// tokens of all ranks (priced on the replica-wide cost model, whose tensor
/// group is the replica's devices).
extension CostModel {
  /// Distinct expert-parallel ranks one token is sent to: DeepEP's normal
  /// dispatch sends a token once to each rank holding one of its top-k
  /// experts, M·(1 − (1 − 1/M)^k) for uniform routing; its low-latency
  /// dispatch sends one copy per selected expert, k (DeepEP `Buffer.dispatch`
  /// and `low_latency_dispatch`, as SGLang 0.5.2 `token_dispatcher/deepep.py`
  /// calls them).
  func dispatchCopies(lowLatency: Bool) -> Double {
    guard let moe = model.moe else { return 0 }
    let k = Double(moe.expertsPerToken)
    if lowLatency { return k }
    let m = Double(max(expertParallel, 1))
    return m * (1 - pow(1 - 1 / m, k))
  }

  /// Bytes of one token's hidden state as DeepEP dispatches it: fp8 with one
  /// fp32 scale per 128 elements in the low-latency mode (`use_fp8=True`)
  /// and in the normal mode when the experts run fp8 (DeepGEMM:
  /// `sglang_per_token_group_quant_fp8(hidden_states, 128)` before
  /// `dispatch`), else 16-bit. SGLang 0.5.2 `token_dispatcher/deepep.py`.
  func dispatchBytesPerToken(lowLatency: Bool) -> Double {
    let h = Double(model.hiddenSize)
    if lowLatency || matmulDType == .fp8 { return h + (h / 128).rounded(.up) * 4 }
    return h * activationBytes
  }

  /// The all-to-all dispatch and combine of one MoE layer over the
  /// expert-parallel group of `expertParallel` ranks laid on the replica's
  /// devices (NVLink inside a node, the inter-node network across), for
  /// `tokens` tokens of all attention ranks: each expert-parallel rank sends
  /// tokens / M tokens, `dispatchCopies` copies each, and the busiest
  /// receives (1 + imbalance) of the mean; combine returns 16-bit outputs.
  public func expertAllToAll(tokens t: Double, lowLatency: Bool) -> OperatorEstimate {
    guard t > 0, expertParallel > 1, let moe = model.moe, moe.expertsPerToken > 0 else { return .zero }
    let group = tensorGroup.subgroup(ranks: expertParallel)
    // The busiest rank's share of the tokens (`busiestExpertRank`).
    let assignments = t * Double(moe.expertsPerToken)
    let share = busiestExpertRank(moe, assignments: assignments).rows / assignments
    let perRank = t * share * dispatchCopies(lowLatency: lowLatency)
    let floor = Self.deepEPKernelFloorUs * 1e-6
    let dispatch = group.allToAll(bytes: perRank * dispatchBytesPerToken(lowLatency: lowLatency)) + floor
    let combine = group.allToAll(bytes: perRank * Double(model.hiddenSize) * activationBytes) + floor
    return group.estimate(dispatch + combine, kernels: 2)
  }

  /// Time a DeepEP dispatch or combine kernel takes beyond its bytes over
  /// the links and the link's latency, in microseconds: each rank writes
  /// its tokens to every peer's receive buffer and then waits on every
  /// peer's signal before the experts (dispatch) or the sum (combine) can
  /// start, a cross-device barrier in each call that payload size does not
  /// change. DeepEP's README (H800, RDMA) shows the floor: its low-latency
  /// kernels at 128 tokens a rank take 77 and 114 us at EP8, 155 and 273 us
  /// at EP32, well above the payload over the measured bandwidth of its
  /// normal kernels. No NVLink-domain (GB200) figure is published, so one
  /// figure is fitted on the calibration part of `servesim validate`
  /// (InferenceMAX's disaggregated SGLang decode workers with DeepEP over 8
  /// to 48 GPUs, whose TPOT the replay had 12 to 56% short): on a grid of
  /// 0, 20, 30, 40, 60 and 100 us the calibration part's median |error| of
  /// all figures was 12.85, 12.63, 12.57, 12.68, 12.82 and 12.78%, the held
  /// out part's 11.92, 11.93, 11.95, 11.96, 11.95 and 11.93%; TPOT over the
  /// suite 10.04, 9.79, 9.83, 9.90, 9.97 and 9.97%.
  public static let deepEPKernelFloorUs = 30.0

  /// The routed experts of one MoE layer for `tokens` tokens of all attention
  /// ranks, on the busiest device: with expert parallelism M, the
  /// all-to-all and the grouped GEMMs of (1 + imbalance) of the mean
  /// assignments over E/M experts sharded over tensor/M devices; without it,
  /// the tokens gathered to every device (`dp_gather`) and vLLM-style fused
  /// MoE (routed and shared experts) sharded over the replica. `gathers`:
  /// TensorRT-LLM's all-gather and reduce-scatter in place of the all-to-all
  /// (`expertGatherScatter`).
  public func routedExperts(tokens t: Double, lowLatency: Bool, mode: LaunchMode, gathers: Bool = false)
    -> OperatorEstimate
  {
    guard let moe = model.moe, t > 0 else { return .zero }
    let fe = Double(moe.expertIntermediateSize)
    let assignments = t * Double(moe.expertsPerToken)
    guard expertParallel > 1 else {
      var total = tensorGroup.estimate(
        tensorGroup.allGather(bytes: t * Double(model.hiddenSize) * activationBytes))
      total += expertGEMMs(
        assignments: assignments, activeExperts: moe.expectedActiveExperts(assignments: assignments),
        inner: fe / Double(tensor), mode: mode)
      if moe.sharedExperts > 0 {
        let inner = Double(moe.sharedExperts) * fe / Double(tensor)
        total += expertGEMMs(assignments: t, activeExperts: 1, inner: inner, grouped: false, mode: mode)
      }
      total += tensorAllReduce(tokens: t, mode: mode)
      return total
    }
    let e = Double(expertParallel)
    let shard = max(Double(tensor) / e, 1)
    var total = gathers ? expertGatherScatter(tokens: t) : expertAllToAll(tokens: t, lowLatency: lowLatency)
    let busiest = busiestExpertRank(moe, assignments: assignments)
    total += expertGEMMs(
      assignments: busiest.rows, activeExperts: busiest.activeExperts, inner: fe / shard, mode: mode)
    return total
  }

  /// The part of an MoE layer one attention rank runs on its own `tokens`:
  /// the norm, the router and top-k, and (under expert parallelism, DeepEP)
  /// the shared experts unsharded (SGLang 0.5.2 `DeepseekV2MoE`: shared
  /// experts with `tp_size=1` under DeepEP).
  public func rankMoE(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    guard let moe = model.moe, m > 0 else { return .zero }
    var total = router(tokens: m, moe: moe, mode: mode)
    if moe.sharedExperts > 0 && expertParallel > 1 {
      let inner = Double(moe.sharedExperts * moe.expertIntermediateSize)
      total += expertGEMMs(assignments: m, activeExperts: 1, inner: inner, grouped: false, mode: mode)
    }
    return total
  }

  /// A dense MLP layer under attention data parallelism for `tokens` tokens
  /// of all ranks, the busiest rank having `rankTokens`: SGLang 0.5.2
  /// (`moe_dense_tp_size` None, `require_mlp_tp_gather`) gathers every
  /// rank's tokens (`dp_gather`, padded to the largest rank), runs the MLP
  /// tensor-parallel over the replica and all-reduces (then `dp_scatter`
  /// keeps each rank's rows).
  public func gatheredMLP(tokens t: Double, rankTokens: Double, ranks: Int, mode: LaunchMode)
    -> OperatorEstimate
  {
    guard t > 0 else { return .zero }
    var total = tensorGroup.estimate(
      tensorGroup.allGather(bytes: rankTokens * Double(ranks * model.hiddenSize) * activationBytes))
    total += mlpBlock(tokens: t, mode: mode)
    return total
  }
}
