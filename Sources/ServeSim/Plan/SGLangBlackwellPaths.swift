/// The kernels SGLang picks for DeepSeek-V3/R1 on sm100 (the CUDA devices
/// with fp4 tensor cores: B200, GB200), where they differ from Hopper's.
///
/// SGLang 0.5.5 `ServerArgs._handle_model_specific_adjustments`
/// (srt/server_args.py), for `DeepseekV3ForCausalLM` on sm100 when the
/// launch names no backend: `attention_backend = "trtllm_mla"` (FlashInfer's
/// TensorRT-LLM MLA kernels), and, with no all-to-all backend and fp8 or
/// ModelOpt fp4 weights, `moe_runner_backend = "flashinfer_trtllm"`
/// (FlashInfer's TensorRT-LLM fused MoE, not the Triton fused MoE).
public enum SGLangBlackwellPaths {
  /// Whether `device` is sm100 as SGLang tests it (`is_sm100_supported`):
  /// a CUDA device with fp4 tensor cores.
  public static func isSM100(_ device: DeviceSpec) -> Bool {
    device.platform == .cuda && device.peakTFLOPS[.fp4] != nil
  }

  /// Whether SGLang runs `model`'s attention with the trtllm_mla backend.
  public static func runsTRTLLMMLA(
    engine: EngineKind, version: EngineVersion, model: ModelSpec, device: DeviceSpec
  )
    -> Bool
  {
    engine == .sglang && version >= EngineVersion(0, 5) && model.mla != nil && model.moe != nil
      && isSM100(device)
  }

  /// Whether SGLang runs `model`'s routed experts through FlashInfer's
  /// TensorRT-LLM fused MoE (`flashinfer_trtllm`).
  public static func runsFlashInferMoE(
    engine: EngineKind, version: EngineVersion, model: ModelSpec, device: DeviceSpec, precision: Precision
  ) -> Bool {
    runsTRTLLMMLA(engine: engine, version: version, model: model, device: device)
      && (precision.weights == .fp8 || precision.weights.isFP4)
  }

  /// The same for `plan` on `device`.
  public static func runsFlashInferMoE(plan: PlanSpec, device: DeviceSpec) -> Bool {
    runsFlashInferMoE(
      engine: plan.engine, version: plan.release.version, model: plan.model, device: device,
      precision: plan.precision)
  }

  /// The same for `plan` on `device`.
  public static func runsTRTLLMMLA(plan: PlanSpec, device: DeviceSpec) -> Bool {
    runsTRTLLMMLA(engine: plan.engine, version: plan.release.version, model: plan.model, device: device)
  }
}
