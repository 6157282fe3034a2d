/// Whether an engine runs a model's shared experts inside the routed experts'
/// fused MoE kernel, as extra experts every token is routed to, instead of as
/// an MLP of their own.
///
/// SGLang 0.5.5 does so for DeepSeek-V3/R1 by default
/// (`DeepseekV2ForCausalLM.determine_num_fused_shared_experts`,
/// srt/models/deepseek_v2.py; `disable_shared_experts_fusion` is False in
/// srt/server_args.py): with 256 routed experts and one shared expert, on
/// CUDA, without expert parallelism, the fused MoE holds 257 experts and its
/// top-k is 8 + 1 (`DeepseekV2MoE.__init__`: `num_experts = n_routed_experts
/// + num_fused_shared_experts`, `TopK(top_k = num_experts_per_tok +
/// num_fused_shared_experts)`), and `forward_normal` skips the shared MLP
/// (`_forward_shared_experts` runs only when `num_fused_shared_experts == 0`).
/// It is off on ROCm (`not _is_cuda`) and where the MoE runs FlashInfer's
/// TensorRT-LLM kernels: DeepSeek-V3 in fp8 or fp4 on sm100
/// (`ServerArgs._handle_model_specific_adjustments` picks
/// `moe_runner_backend = "flashinfer_trtllm"`, which sets
/// `disable_shared_experts_fusion`).
public enum SharedExpertFusion {
  /// Shared experts the engine folds into the routed experts' fused kernel
  /// (0: none) for `model` on `device` with expert parallelism `expert`.
  public static func experts(
    engine: EngineKind, version: EngineVersion, model: ModelSpec, device: DeviceSpec,
    precision: Precision, expert: Int
  ) -> Int {
    guard engine == .sglang, version >= EngineVersion(0, 5), let moe = model.moe, model.mla != nil,
      moe.experts == 256, moe.sharedExperts == 1, expert <= 1, device.platform == .cuda
    else { return 0 }
    // sm100 runs fp8 and fp4 DeepSeek MoE through flashinfer_trtllm.
    if SGLangBlackwellPaths.runsFlashInferMoE(
      engine: engine, version: version, model: model, device: device, precision: precision)
    {
      return 0
    }
    return moe.sharedExperts
  }

  /// The same for `plan`'s pool with expert parallelism `expert`.
  public static func experts(plan: PlanSpec, device: DeviceSpec, expert: Int) -> Int {
    experts(
      engine: plan.engine, version: plan.release.version, model: plan.model, device: device,
      precision: plan.precision, expert: expert)
  }
}
