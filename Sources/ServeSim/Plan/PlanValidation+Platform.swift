/// The rules that depend on the device's platform and formats: which
/// engines run on it, and which fp4 formats its tensor cores and the engines
/// take.
extension PlanSpec {
  /// Checks the engine against the device's platform and the fp4 formats
  /// against the device and the engine.
  ///
  /// - TensorRT-LLM runs on NVIDIA GPUs only: its kernels are CUDA and
  ///   TensorRT (TensorRT-LLM 1.0 docs, "Installation": Linux x86_64/aarch64
  ///   with an NVIDIA GPU and CUDA 12.9); vLLM and SGLang serve AMD GPUs
  ///   through ROCm (vLLM 0.11 `vllm/platforms/rocm.py`; SGLang 0.5 `sgl-kernel`
  ///   ROCm builds). On ROCm the engines capture HIP graphs through the same
  ///   wrapper (vLLM 0.11 `platforms/rocm.py`: `get_static_graph_wrapper_cls`
  ///   is `CUDAGraphWrapper`, `support_static_graph_mode`), so graphs are
  ///   priced as on CUDA; attention runs on aiter or Triton kernels
  ///   (`ROCM_AITER_MLA`, `ROCM_AITER_FA`, `TRITON_ATTN`), not FlashInfer,
  ///   priced by the same roofline; the custom all-reduce runs over xGMI
  ///   (`CommGroup`), and vLLM's quick all-reduce is off by default
  ///   (`VLLM_ROCM_QUICK_REDUCE_QUANTIZATION` "NONE", vLLM 0.11 `envs.py`).
  /// - fp4 activations (W4A4, NVFP4 or MXFP4) need tensor cores of that
  ///   format (`DeviceSpec.peakTFLOPS`) and weights in it.
  /// - fp4 weights with 16-bit activations are dequantised in the GEMM only by
  ///   vLLM's Marlin kernel on CUDA (vLLM 0.11.0
  ///   `quantization/utils/marlin_utils_fp4.py`, the fallback of `modelopt.py`'s
  ///   NVFP4 linear method on GPUs without fp4 tensor cores); SGLang and
  ///   TensorRT-LLM serve fp4 checkpoints on fp4 tensor cores.
  /// - An fp4 KV cache: SGLang 0.5.5's `--kv-cache-dtype fp4_e2m1` ("only
  ///   mxfp4 ... CUDA 12.8+", server_args.py), on a CUDA device with MXFP4
  ///   tensor cores; vLLM 0.11.0's cache dtypes (`config/cache.py`
  ///   `CacheDType`) and TensorRT-LLM 1.0's `kv_cache_config.dtype` (auto,
  ///   fp8) have none.
  ///
  /// - Returns: the problems, at `engine` and `precision.*`.
  func platformIssues() -> [PlanIssue] {
    var issues = [PlanIssue]()
    let device = cluster.device
    if engine == .trtllm && device.platform != .cuda {
      issues.append(
        PlanIssue(
          .plan, "engine",
          "TensorRT-LLM runs on NVIDIA GPUs (CUDA) only, and '\(device.name)' is a \(device.platform.rawValue) device; valid: vllm, sglang"
        ))
    }
    let p = precision
    if p.activations.isFP4 {
      if device.peakTFLOPS[p.activations] == nil {
        issues.append(
          PlanIssue(
            .plan, "precision.activations",
            "device '\(device.name)' has no \(p.activations.rawValue) tensor cores (Blackwell has NVFP4 and MXFP4, MI355X MXFP4); valid: \(fourBitFormats(device).map { $0.rawValue + ", " }.joined())bf16, fp16, fp8"
          ))
      } else if p.weights != p.activations {
        issues.append(
          PlanIssue(
            .plan, "precision.activations",
            "\(p.activations.rawValue) activations multiply \(p.activations.rawValue) weights (W4A4); valid with \(p.weights.rawValue) weights: bf16, fp16, fp8"
          ))
      }
    } else if p.weights.isFP4 {
      let marlin = engine == .vllm && device.platform == .cuda && p.weights == .fp4
      if !marlin {
        issues.append(
          PlanIssue(
            .plan, "precision.weights",
            "\(p.weights.rawValue) weights with \(p.activations.rawValue) activations are dequantised in the GEMM only by vLLM's Marlin kernel on NVIDIA GPUs (NVFP4); valid: activations \(p.weights.rawValue) on a device with \(p.weights.rawValue) tensor cores, or weights bf16, fp16, fp8, int8, int4"
          ))
      }
    }
    if p.kvCache.isFP4 {
      let allowed =
        p.kvCache == .mxfp4 && engine == .sglang && release.version >= EngineVersion(0, 5)
        && device.platform == .cuda
        && device.peakTFLOPS[.mxfp4] != nil
      if !allowed {
        issues.append(
          PlanIssue(
            .plan, "precision.kv_cache",
            "a \(p.kvCache.rawValue) KV cache is served only by SGLang 0.5 (fp4_e2m1, MXFP4) on NVIDIA GPUs with fp4 tensor cores; valid: bf16, fp16, fp8"
          ))
      }
    }
    return issues
  }

  /// The fp4 formats `device`'s tensor cores take.
  func fourBitFormats(_ device: DeviceSpec) -> [DType] {
    [DType.fp4, .mxfp4].filter { device.peakTFLOPS[$0] != nil }
  }
}
