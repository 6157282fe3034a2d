/// How an engine runs the attention of an MLA model's prefill batch whose
/// chunks continue cached context (a prompt cut into chunks, or a prefix-cache
/// hit).
///
/// SGLang 0.5.5 picks the path per batch (`_handle_attention_backend`,
/// srt/models/deepseek_v2.py, for its fa3, flashinfer, flashmla and
/// cutlass_mla backends; fa3 is the default on Hopper,
/// `ServerArgs._handle_attention_backend_compatibility`): a batch without
/// cached context, or with at least `SGL_CHUNKED_PREFIX_CACHE_THRESHOLD`
/// (8192) cached tokens summed over its requests, runs multi-head attention
/// (the latent expanded to per-head keys and values); a batch with fewer
/// cached tokens runs the absorbed MLA path, every head attending over the
/// latent (`forward_absorb_prepare`/`forward_absorb_core`; the fa3 backend's
/// `flash_attn_with_kvcache(q=q_rope, k_cache=k_rope, v_cache=c_kv,
/// qv=q_nope)`), whose keys are kv_lora_rank + rope wide and values
/// kv_lora_rank wide. Its `triton` backend (Ampere) takes the absorbed path
/// for any cached context (`handle_attention_triton`). Blackwell's default
/// trtllm_mla and ROCm's aiter always take the multi-head path
/// (`handle_attention_trtllm_mla`, `handle_attention_aiter`).
public enum MLAPrefillDispatch {
  /// The cached tokens (summed over a batch's prefill chunks) below which a
  /// batch with any cached context runs the absorbed MLA path; 0: never.
  public static func absorbedBelow(engine: EngineKind, version: EngineVersion, device: DeviceSpec) -> Double {
    guard picksOwnMLABackend(engine: engine, version: version, device: device) else { return 0 }
    // Hopper: fa3; Ampere: triton (absorbed for any prefix).
    return runsFA3(engine: engine, version: version, device: device) ? 8192 : .infinity
  }

  /// Whether SGLang 0.5 runs an MLA model's attention on its fa3 backend:
  /// its default on Hopper (fp8 tensor cores, not sm100;
  /// `ServerArgs._handle_attention_backend_compatibility`: fa3 when
  /// `is_hopper_with_cuda_12_3()`).
  static func runsFA3(engine: EngineKind, version: EngineVersion, device: DeviceSpec) -> Bool {
    picksOwnMLABackend(engine: engine, version: version, device: device) && device.peakTFLOPS[.fp8] != nil
  }

  /// Whether SGLang 0.5 picks its MLA attention backend among fa3 and
  /// triton: a CUDA device before sm100 (sm100 takes trtllm_mla, ROCm aiter).
  private static func picksOwnMLABackend(engine: EngineKind, version: EngineVersion, device: DeviceSpec)
    -> Bool
  {
    engine == .sglang && version >= EngineVersion(0, 5) && device.platform == .cuda
      && !SGLangBlackwellPaths.isSM100(device)
  }

  /// Whether the engine converts a layer's whole KV pool to 16 bits before
  /// each absorbed MLA kernel (`CostModel.kvPoolCastTokens`): SGLang 0.5's
  /// fa3 backend (`runsFA3`) with an fp8 KV cache (0.5.6 and 0.5.9:
  /// `FlashAttentionBackend.forward_decode`, `.to(q.dtype)` on the layer's
  /// buffer). Blackwell's trtllm_mla and FlashMLA read fp8 as stored.
  public static func castsKVPool(
    engine: EngineKind, version: EngineVersion, device: DeviceSpec, precision: Precision
  ) -> Bool {
    runsFA3(engine: engine, version: version, device: device) && precision.kvCache.bytes < 2
  }
}
