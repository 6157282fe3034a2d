import ServeSim

/// The launch command that runs a plan on a real serving engine, as a short
/// shell script: the command with the plan's parallelism, batching, KV-cache
/// and precision settings, and comments where the engine has no equivalent.
///
/// Flags follow the engines' command lines, checked against their argument
/// parsers (ExportTests.engineFlags):
/// - vLLM 0.8.5, `vllm serve` (`vllm/engine/arg_utils.py` and
///   `vllm/config.py` of the PyPI wheel).
/// - SGLang 0.4.9, `python -m sglang.launch_server`
///   (`sglang/srt/server_args.py` of the PyPI wheel).
/// - TensorRT-LLM 0.19, `trtllm-serve` (nvidia.github.io/TensorRT-LLM,
///   "trtllm-serve"), with the LLM API options it does not take as flags in
///   an `--extra_llm_api_options` YAML file.
public enum LaunchCommand {
  /// Hugging Face repositories of the shipped models, by model name.
  static let repositories = [
    "llama-3.1-8b": "meta-llama/Llama-3.1-8B-Instruct",
    "llama-3.1-70b": "meta-llama/Llama-3.1-70B-Instruct",
    "llama-3.1-405b": "meta-llama/Llama-3.1-405B-Instruct",
    "llama-3.2-1b": "meta-llama/Llama-3.2-1B-Instruct", "llama-2-7b": "meta-llama/Llama-2-7b-chat-hf",
    "llama-2-70b": "meta-llama/Llama-2-70b-chat-hf", "mistral-7b": "mistralai/Mistral-7B-Instruct-v0.1",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-Instruct-v0.1", "qwen3-32b": "Qwen/Qwen3-32B",
    "qwen3-235b-a22b": "Qwen/Qwen3-235B-A22B", "deepseek-v3": "deepseek-ai/DeepSeek-V3",
  ]

  /// The script that launches `plan` on `engine`.
  ///
  /// - Parameter model: the model's Hugging Face ID or local path; by default
  ///   the repository of a shipped model, else the model's name.
  public static func script(_ plan: PlanSpec, engine: ExportEngine, model: String? = nil) -> String {
    var notes = [String]()
    let modelID: String
    if let model {
      modelID = model
    } else if let known = repositories[plan.model.name] {
      modelID = known
    } else {
      modelID = plan.model.name
      notes.append("'\(plan.model.name)' is the model's name: give its Hugging Face ID or path with --model")
    }
    if plan.engine.rawValue != engine.rawValue {
      notes.append(
        "the plan was simulated with engine \(plan.engine.rawValue)'s scheduler defaults; \(engine.rawValue)'s may differ"
      )
    }
    if plan.disaggregation != nil {
      notes.append("the plan's disaggregated prefill/decode pools are not exported; this serves one pool")
    }
    let lines: [String]
    var preamble = [String]()
    switch engine {
    case .vllm: lines = vllm(plan, modelID, &notes)
    case .sglang: lines = sglang(plan, modelID, &notes)
    case .trtllm: lines = trtllm(plan, modelID, &notes, &preamble)
    }
    var text =
      "#!/bin/sh\n# \(plan.name): \(plan.model.name) on \(plan.parallelism.devices) x \(plan.cluster.device.name)\n"
    text += "# exported by servesim for \(versions[engine] ?? engine.rawValue)\n"
    for note in notes { text += "# note: \(note)\n" }
    for line in preamble { text += line + "\n" }
    text += lines.joined(separator: " \\\n  ") + "\n"
    return text
  }

  static let versions: [ExportEngine: String] = [
    .vllm: "vLLM 0.8.5 (vllm serve)", .sglang: "SGLang 0.4.9 (sglang.launch_server)",
    .trtllm: "TensorRT-LLM 0.19 (trtllm-serve)",
  ]

  static func dtypeName(_ dtype: DType) -> String {
    switch dtype {
    case .fp32: "float32"
    case .fp16: "float16"
    default: "bfloat16"
    }
  }

  /// A note for weight precisions that need a pre-quantised checkpoint.
  static func weightNote(_ plan: PlanSpec, _ notes: inout [String]) {
    switch plan.precision.weights {
    case .int8:
      notes.append("int8 weights: serve an INT8 (W8A8 or W8A16) quantised checkpoint of the model")
    case .int4:
      notes.append("int4 weights: serve an AWQ or GPTQ 4-bit checkpoint of the model")
    default: break
    }
  }

  /// The parallelism and precision flags that vLLM and SGLang share in
  /// meaning, under the engine's names, in the order both take them: tensor,
  /// pipeline, data and expert parallelism (each only when more than 1, but
  /// tensor), the activation dtype, fp8 weights and the fp8 KV-cache format.
  ///
  /// - Parameters:
  ///   - tensor, pipeline, data: the flags taking the degree.
  ///   - expert: the whole argument that turns expert parallelism on.
  ///   - kvCacheFP8: the `--kv-cache-dtype` value of fp8.
  static func parallelismAndPrecision(
    _ plan: PlanSpec, tensor: String, pipeline: String, data: String, expert: String, kvCacheFP8: String,
    _ notes: inout [String]
  ) -> [String] {
    let p = plan.parallelism
    var l = ["\(tensor) \(p.tensor)"]
    if p.pipeline > 1 { l.append("\(pipeline) \(p.pipeline)") }
    if p.data > 1 { l.append("\(data) \(p.data)") }
    if p.expert > 1 { l.append(expert) }
    l.append("--dtype \(dtypeName(plan.precision.activations))")
    if plan.precision.weights == .fp8 { l.append("--quantization fp8") }
    weightNote(plan, &notes)
    if plan.precision.kvCache == .fp8 { l.append("--kv-cache-dtype \(kvCacheFP8)") }
    return l
  }

  static func vllm(_ plan: PlanSpec, _ model: String, _ notes: inout [String]) -> [String] {
    let s = plan.scheduler
    // vLLM 0.8.5's V1 engine always chunks prefills (EngineArgs.
    // _set_default_args_v1); an unchunked plan models the V0 scheduler.
    var l = [s.chunkedPrefill ? "vllm serve \(model)" : "VLLM_USE_V1=0 vllm serve \(model)"]
    l += parallelismAndPrecision(
      plan, tensor: "--tensor-parallel-size", pipeline: "--pipeline-parallel-size",
      data: "--data-parallel-size", expert: "--enable-expert-parallel", kvCacheFP8: "fp8", &notes)
    l.append("--max-num-seqs \(s.maxNumSeqs)")
    l.append("--max-num-batched-tokens \(s.maxNumBatchedTokens)")
    // Boolean engine arguments are argparse BooleanOptionalActions: --x or --no-x.
    if s.chunkedPrefill {
      l.append("--enable-chunked-prefill")
    } else {
      l.append("--no-enable-chunked-prefill")
      notes.append(
        "vLLM's V1 engine always chunks prefills; VLLM_USE_V1=0 runs the V0 engine without chunking")
    }
    // V1 turns prefix caching on by default.
    l.append(s.prefixCaching ? "--enable-prefix-caching" : "--no-enable-prefix-caching")
    // vLLM 0.8.5 accepts --block-size 8, 16, 32, 64 or 128 (CUDA).
    let sizes = [8, 16, 32, 64, 128]
    if sizes.contains(s.blockSize) {
      l.append("--block-size \(s.blockSize)")
    } else {
      notes.append(
        "block size \(s.blockSize) is not one of vLLM's (8, 16, 32, 64, 128); its default 16 is used")
    }
    l.append("--gpu-memory-utilization \(fraction(s.memoryUtilization))")
    if s.policy == .static || s.policy == .orca {
      notes.append("vLLM has no '\(s.policy.rawValue)' scheduling policy; it batches at iteration level")
    }
    return l
  }

  static func sglang(_ plan: PlanSpec, _ model: String, _ notes: inout [String]) -> [String] {
    let p = plan.parallelism
    let s = plan.scheduler
    var l = ["python -m sglang.launch_server --model-path \(model)"]
    l += parallelismAndPrecision(
      plan, tensor: "--tp-size", pipeline: "--pp-size", data: "--dp-size",
      expert: "--enable-ep-moe --ep-size \(p.expert)", kvCacheFP8: "fp8_e4m3", &notes)
    l.append("--max-running-requests \(s.maxNumSeqs)")
    if s.chunkedPrefill {
      l.append("--chunked-prefill-size \(s.maxNumBatchedTokens)")
    } else {
      l.append("--chunked-prefill-size -1 --max-prefill-tokens \(s.maxNumBatchedTokens)")
    }
    // The radix (prefix) cache is on by default.
    if !s.prefixCaching { l.append("--disable-radix-cache") }
    l.append("--page-size \(s.blockSize)")
    l.append("--mem-fraction-static \(fraction(s.memoryUtilization))")
    return l
  }

  static func trtllm(
    _ plan: PlanSpec, _ model: String, _ notes: inout [String], _ preamble: inout [String]
  ) -> [String] {
    let p = plan.parallelism
    let s = plan.scheduler
    if p.data > 1 {
      notes.append(
        "trtllm-serve has no data-parallel flag: run \(p.data) copies (one per \(p.devicesPerReplica) devices) behind a load balancer"
      )
    }
    if plan.precision.weights == .fp8 || plan.precision.weights == .int4 || plan.precision.weights == .int8 {
      notes.append(
        "\(plan.precision.weights.rawValue) weights: serve a checkpoint quantised with NVIDIA ModelOpt (TensorRT-LLM reads its quantisation from the checkpoint)"
      )
    }
    preamble = [
      "cat > extra-llm-api-options.yaml <<'EOF'",
      "enable_chunked_prefill: \(s.chunkedPrefill)",
      "kv_cache_config:",
      "  enable_block_reuse: \(s.prefixCaching)",
      "  free_gpu_memory_fraction: \(fraction(s.memoryUtilization))",
    ]
    if plan.precision.kvCache == .fp8 { preamble.append("  dtype: fp8") }
    preamble.append("EOF")
    var l = ["trtllm-serve \(model)", "--backend pytorch"]
    l.append("--tp_size \(p.tensor)")
    if p.pipeline > 1 { l.append("--pp_size \(p.pipeline)") }
    if p.expert > 1 { l.append("--ep_size \(p.expert)") }
    l.append("--max_batch_size \(s.maxNumSeqs)")
    l.append("--max_num_tokens \(s.maxNumBatchedTokens)")
    l.append("--extra_llm_api_options extra-llm-api-options.yaml")
    notes.append(
      "free_gpu_memory_fraction is TensorRT-LLM's share of the memory left after the weights, not of the device"
    )
    return l
  }

  /// A fraction with at most three decimals and no trailing zeros.
  static func fraction(_ value: Double) -> String {
    var text = String(Int((value * 1000).rounded()))
    while text.count < 4 { text = "0" + text }
    var result = String(text.dropLast(3)) + "." + String(text.suffix(3))
    while result.hasSuffix("0") { result.removeLast() }
    if result.hasSuffix(".") { result.removeLast() }
    return result
  }
}
