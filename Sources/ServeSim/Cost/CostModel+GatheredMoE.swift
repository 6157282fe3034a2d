/// TensorRT-LLM's MoE communication under attention data parallelism.
extension CostModel {
  /// Bytes of one token as TensorRT-LLM 1.0 all-gathers it before the MoE
  /// under attention DP: NVFP4 experts quantise first (4-bit values and an
  /// fp8 scale per 16, `fp4_quantize` ahead of the all-gather), others
  /// gather the 16-bit hidden state (fp8 block-scale experts quantise inside
  /// the fused MoE); each token also carries its top-k expert ids (int32)
  /// and weights (fp32).
  func gatheredBytesPerToken() -> Double {
    let h = Double(model.hiddenSize)
    let k = Double(model.moe?.expertsPerToken ?? 0)
    let hidden = matmulDType == .fp4 ? h / 2 + h / 16 : h * activationBytes
    return hidden + 8 * k
  }

  /// The MoE communication of one layer under TensorRT-LLM 1.0's attention
  /// DP for `tokens` tokens of all ranks: an all-gather of every rank's
  /// routed tokens to every expert-parallel rank before the fused MoE, and a
  /// reduce-scatter of the 16-bit outputs after it, both NCCL collectives
  /// (`CutlassFusedMoE` and `TRTLLMGenFusedMoE` with `use_dp` and no
  /// all-to-all: `allgather(...)` then `reducescatter(...)`,
  /// `tensorrt_llm/_torch/modules/fused_moe/`; the all-to-all path needs
  /// the WIDEEP backend). Not DeepEP's all-to-all, which SGLang uses.
  /// (Read from TensorRT-LLM's published 1.0 source: its wheel cannot be
  /// fetched here, see `AttentionDPBalance`.)
  public func expertGatherScatter(tokens t: Double) -> OperatorEstimate {
    guard t > 0, expertParallel > 1 else { return .zero }
    let group = tensorGroup.subgroup(ranks: expertParallel)
    let gather = group.allGather(bytes: t * gatheredBytesPerToken())
    let scatter = group.reduceScatter(bytes: t * Double(model.hiddenSize) * activationBytes)
    return group.estimate(gather + scatter, kernels: 2)
  }
}
