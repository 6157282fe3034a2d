import ServeSim

/// The launch command that runs a plan on a real serving engine, as a short
/// shell script: the command with the plan's parallelism, batching, KV-cache
/// and precision settings, and comments where the engine has no equivalent.
///
/// The command follows the plan's engine release (`PlanSpec.release`) when
/// exported to the plan's engine, else the newest modelled release of the
/// target engine. Flags follow each release's command line, checked against
/// its argument parser (ExportTests, with the flag lists that
/// `scripts/engine-flags` reads from the wheels into
/// Tests/ServeSimIOTests/Fixtures/engine-flags):
/// - vLLM 0.6 (0.6.6.post1), 0.8 (0.8.5), 0.11 (0.11.0) and 0.14 (0.14.0),
///   `vllm serve`
///   (`vllm/engine/arg_utils.py` and the config modules of the PyPI wheels).
/// - SGLang 0.4 (0.4.9) and 0.5 (0.5.5), `python -m sglang.launch_server`
///   (`sglang/srt/server_args.py` of the PyPI wheels).
/// - TensorRT-LLM 0.19 and 1.0, `trtllm-serve` (nvidia.github.io/TensorRT-LLM,
///   "trtllm-serve"; the PyPI package is a stub), with the LLM API options it
///   does not take as flags in an `--extra_llm_api_options` YAML file.
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
    var plan = plan
    if let d = plan.disaggregation {
      // One server of the decode pool, with its layout; the prefill pool's
      // servers take theirs.
      notes.append(
        "the plan is disaggregated: this launches one server of the decode pool (\(d.decode.layout(planExpert: plan.parallelism.expert)), \(d.decode.replicas) of them); the prefill pool's (\(d.prefill.layout(planExpert: plan.parallelism.expert))) take their own layout, and the engine's disaggregation options are not exported"
      )
      var decode = d.decode.parallelism(plan: plan.parallelism)
      decode.data = 1
      plan.parallelism = decode
      plan.cluster = d.decode.cluster
      plan.disaggregation = nil
    }
    let modelID: String
    if let model {
      modelID = model
    } else if let known = repositories[plan.model.name] {
      modelID = known
    } else {
      modelID = plan.model.name
      notes.append("'\(plan.model.name)' is the model's name: give its Hugging Face ID or path with --model")
    }
    let release = plan.engine == engine.kind ? plan.release : EngineRelease(engine.kind)
    if plan.engine != engine.kind {
      notes.append(
        "the plan was simulated with engine \(plan.release)'s scheduler defaults; \(release)'s may differ"
      )
    }
    if plan.schedulerRecvInterval > 1 && engine != .sglang {
      notes.append(
        "the plan's scheduler_recv_interval \(plan.schedulerRecvInterval) is SGLang's; \(release) takes new requests at every step"
      )
    }
    if let graphs = plan.cudaGraphMaxBatch, engine == .llamacpp {
      notes.append(
        "llama.cpp captures no CUDA graphs per batch size; the plan's cuda_graph_max_batch \(graphs) is not exported"
      )
    }
    let memory = memoryFraction(plan, for: engine.kind, &notes)
    var lines: [String]
    var preamble = [String]()
    switch engine {
    case .vllm: lines = vllm(plan, release.version, modelID, memory: memory, &notes)
    case .sglang: lines = sglang(plan, release.version, modelID, memory: memory, &notes)
    case .trtllm: lines = trtllm(plan, release.version, modelID, memory: memory, &notes, &preamble)
    case .llamacpp: lines = llamacpp(plan, modelID, &notes)
    }
    speculative(plan, engine: engine, version: release.version, &lines, &preamble, &notes)
    var text =
      "#!/bin/sh\n# \(plan.name): \(plan.model.name) on \(plan.parallelism.devices) x \(plan.cluster.device.name)\n"
    text += "# exported by servesim for \(title(release))\n"
    for note in notes { text += "# note: \(note)\n" }
    for line in preamble { text += line + "\n" }
    text += lines.joined(separator: " \\\n  ") + "\n"
    return text
  }

  /// "vLLM 0.8 (vllm serve)".
  static func title(_ release: EngineRelease) -> String {
    switch release.engine {
    case .vllm: "vLLM \(release.version) (vllm serve)"
    case .sglang: "SGLang \(release.version) (sglang.launch_server)"
    case .trtllm: "TensorRT-LLM \(release.version) (trtllm-serve)"
    case .mindie: "MindIE \(release.version)"
    case .llamacpp:
      "llama.cpp \(release.version) (llama-server as llama-cpp-python \(release.version) vendors it)"
    }
  }

  /// What `engine` calls its memory share.
  static func shareName(_ engine: EngineKind) -> String {
    switch engine {
    case .vllm: "gpu_memory_utilization"
    case .sglang: "mem_fraction_static"
    case .trtllm: "free_gpu_memory_fraction"
    case .mindie: "memory share"
    case .llamacpp: "ctx-size"
    }
  }

  /// The memory share to give `target`: the plan's `memory_utilization` when
  /// `target` sizes its KV cache as the plan's engine does, else the share
  /// that gives `target` the KV cache the plan simulated. The engines mean
  /// different things by it (`MemoryAccounting`): SGLang's
  /// `mem_fraction_static` covers weights and KV cache only, vLLM's
  /// `gpu_memory_utilization` everything the engine allocates, TensorRT-LLM's
  /// `free_gpu_memory_fraction` a share of what is free after loading, so
  /// passing one as the other would size a different cache.
  static func memoryFraction(_ plan: PlanSpec, for target: EngineKind, _ notes: inout [String]) -> Double {
    let given = plan.scheduler.memoryUtilization
    let accounting = target.memoryAccounting
    guard accounting != plan.engine.memoryAccounting else { return given }
    let m = MemoryPlan(plan: plan)
    let outside = m.activationBytes + m.runtimeBytes
    let share: Double
    switch accounting {
    case .profiled: share = (m.weightBytes + outside + m.kvBytes) / m.deviceBytes
    case .staticFraction: share = (m.weightBytes + m.kvBytes) / m.deviceBytes
    case .freeFraction: share = m.kvBytes / max(m.deviceBytes - m.weightBytes - outside, 1)
    }
    let converted = min(max((share * 1000).rounded() / 1000, 0.001), 1)
    notes.append(
      "the plan's memory_utilization \(fraction(given)) is \(plan.engine.rawValue)'s \(shareName(plan.engine)); \(target.rawValue)'s \(shareName(target)) \(fraction(converted)) gives the same KV cache (\(fraction(m.kvBytes / 1e9)) GB per device)"
    )
    return converted
  }

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
    case .fp4:
      notes.append(
        "fp4 weights: serve an NVFP4 checkpoint quantised with NVIDIA ModelOpt (e.g. nvidia/Llama-3.1-70B-Instruct-FP4); the engine reads its quantisation from the checkpoint"
      )
    case .mxfp4:
      notes.append(
        "mxfp4 weights: serve an MXFP4 checkpoint quantised with AMD Quark (e.g. amd/DeepSeek-R1-0528-MXFP4); the engine reads its quantisation from the checkpoint"
      )
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
    // SGLang 0.5.5's MXFP4 KV cache (server_args.py: "fp4_e2m1 (only mxfp4)").
    if plan.precision.kvCache == .mxfp4 { l.append("--kv-cache-dtype fp4_e2m1") }
    return l
  }

  static func vllm(
    _ plan: PlanSpec, _ version: EngineVersion, _ model: String, memory: Double, _ notes: inout [String]
  ) -> [String] {
    let s = plan.scheduler
    let p = plan.parallelism
    let v0 = version < EngineVersion(0, 8)
    let v0Removed = version >= EngineVersion(0, 11)
    // vLLM 0.8.5's V1 engine always chunks prefills (EngineArgs.
    // _set_default_args_v1); an unchunked plan models the V0 scheduler,
    // which 0.8 still ships (VLLM_USE_V1=0), 0.6 runs by default and 0.11
    // no longer has (_set_default_args forces enable_chunked_prefill).
    let useV0 = !v0 && !v0Removed && !s.chunkedPrefill
    var l = [useV0 ? "VLLM_USE_V1=0 vllm serve \(model)" : "vllm serve \(model)"]
    var shared = plan
    if v0 {
      // vLLM 0.6.6.post1's arg_utils.py has neither --data-parallel-size
      // nor --enable-expert-parallel.
      shared.parallelism.data = 1
      shared.parallelism.expert = 1
      if p.data > 1 {
        notes.append(
          "vLLM \(version) has no data-parallel flag: run \(p.data) copies (one per \(p.devicesPerReplica) devices) behind a load balancer"
        )
      }
      if p.expert > 1 {
        notes.append(
          "vLLM \(version) has no expert parallelism: its MoE layers shard experts over the tensor ranks")
      }
    }
    vllmAttentionData(&shared, version, &notes)
    l += parallelismAndPrecision(
      shared, tensor: "--tensor-parallel-size", pipeline: "--pipeline-parallel-size",
      data: "--data-parallel-size", expert: "--enable-expert-parallel", kvCacheFP8: "fp8", &notes)
    l += vllmRedundantExperts(shared, version, &notes)
    l.append("--max-num-seqs \(s.maxNumSeqs)")
    l.append("--max-num-batched-tokens \(s.maxNumBatchedTokens)")
    if v0 {
      // 0.6.6.post1: --enable-chunked-prefill is a StoreBoolean taking an
      // optional True/False, default off below 32K tokens of context.
      l.append("--enable-chunked-prefill \(s.chunkedPrefill ? "True" : "False")")
    } else if s.chunkedPrefill || v0Removed {
      // Boolean engine arguments are argparse BooleanOptionalActions: --x or --no-x.
      l.append("--enable-chunked-prefill")
      if !s.chunkedPrefill {
        notes.append(
          "vLLM \(version) always chunks prefills (V1 only); the plan's unchunked prefills are not available")
      }
    } else {
      l.append("--no-enable-chunked-prefill")
      notes.append(
        "vLLM's V1 engine always chunks prefills; VLLM_USE_V1=0 runs the V0 engine without chunking")
    }
    // V1 turns prefix caching on by default, V0 off; both take --x / --no-x.
    l.append(s.prefixCaching ? "--enable-prefix-caching" : "--no-enable-prefix-caching")
    // vLLM 0.6.6 accepts --block-size 8, 16, 32, 64 or 128; 0.8.5 and
    // 0.11.0 also 1 (BlockSize in the config module), kept out as CUDA
    // attention backends need 16 or more.
    let sizes = [8, 16, 32, 64, 128]
    if sizes.contains(s.blockSize) {
      l.append("--block-size \(s.blockSize)")
    } else {
      notes.append(
        "block size \(s.blockSize) is not one of vLLM's (8, 16, 32, 64, 128); its default 16 is used")
    }
    l.append("--gpu-memory-utilization \(fraction(memory))")
    l += offload(plan, .vllm, version, &notes)
    // Every modelled version takes --disable-custom-all-reduce (a switch).
    if !plan.customAllReduce { l.append("--disable-custom-all-reduce") }
    if let graphs = plan.cudaGraphMaxBatch {
      // 0.11's SchedulerConfig.cuda_graph_sizes: one value N captures [1, 2,
      // 4] and every multiple of 8 up to N. 0.14 has no --cuda-graph-sizes;
      // its --max-cudagraph-capture-size N captures [1, 2, 4], multiples of
      // 8 below 256 and of 16 from 256 to N (`VllmConfig.
      // _set_cudagraph_sizes`). 0.6 captures up to 256 with no flag; 0.8
      // takes the sizes inside --compilation-config.
      if version >= EngineVersion(0, 14) {
        l.append("--max-cudagraph-capture-size \(graphs)")
      } else if v0Removed {
        l.append("--cuda-graph-sizes \(graphs)")
      } else {
        notes.append(
          "vLLM \(version) has no flag for the largest CUDA-graph batch (\(graphs) in the plan): \(v0 ? "it captures up to 256" : "give --compilation-config '{\"cudagraph_capture_sizes\": [...]}' up to \(graphs)")"
        )
      }
    }
    if s.policy == .static || s.policy == .orca {
      notes.append("vLLM has no '\(s.policy.rawValue)' scheduling policy; it batches at iteration level")
    }
    return l
  }

  static func sglang(
    _ plan: PlanSpec, _ version: EngineVersion, _ model: String, memory: Double, _ notes: inout [String]
  ) -> [String] {
    let p = plan.parallelism
    let s = plan.scheduler
    var l = ["python -m sglang.launch_server --model-path \(model)"]
    // SGLang 0.4.9 turns expert parallelism on with --enable-ep-moe; 0.5.5
    // has no such flag (server_args.py) and takes --ep-size alone.
    let expert =
      version < EngineVersion(0, 5) ? "--enable-ep-moe --ep-size \(p.expert)" : "--ep-size \(p.expert)"
    var shared = plan
    let attentionData = sglangAttentionData(&shared, version, &notes)
    l += parallelismAndPrecision(
      shared, tensor: "--tp-size", pipeline: "--pp-size", data: "--dp-size",
      expert: expert, kvCacheFP8: "fp8_e4m3", &notes)
    l += sglangRedundantExperts(shared)
    l += attentionData
    l.append("--max-running-requests \(s.maxNumSeqs)")
    if s.chunkedPrefill {
      l.append("--chunked-prefill-size \(s.maxNumBatchedTokens)")
    } else {
      l.append("--chunked-prefill-size -1 --max-prefill-tokens \(s.maxNumBatchedTokens)")
    }
    // The radix (prefix) cache is on by default.
    if !s.prefixCaching { l.append("--disable-radix-cache") }
    l.append("--page-size \(s.blockSize)")
    l.append("--mem-fraction-static \(fraction(memory))")
    l += offload(plan, .sglang, version, &notes)
    if !plan.customAllReduce { l.append("--disable-custom-all-reduce") }
    // Both modelled versions' server_args.py take --cuda-graph-max-bs.
    if let graphs = plan.cudaGraphMaxBatch { l.append("--cuda-graph-max-bs \(graphs)") }
    if plan.schedulerRecvInterval > 1 {
      // In 0.5's server_args.py, not in 0.4.9's.
      if version < EngineVersion(0, 5) {
        notes.append(
          "SGLang \(version) has no --scheduler-recv-interval: it takes new requests at every step, not every \(plan.schedulerRecvInterval) as simulated"
        )
      } else {
        l.append("--scheduler-recv-interval \(plan.schedulerRecvInterval)")
      }
    }
    return l
  }

  static func trtllm(
    _ plan: PlanSpec, _ version: EngineVersion, _ model: String, memory: Double, _ notes: inout [String],
    _ preamble: inout [String]
  ) -> [String] {
    let pytorch = version >= EngineVersion(1, 0)
    let p = plan.parallelism
    let s = plan.scheduler
    if p.data > 1 {
      notes.append(
        "trtllm-serve has no data-parallel flag: run \(p.data) copies (one per \(p.devicesPerReplica) devices) behind a load balancer"
      )
    }
    if plan.cluster.device.platform != .cuda {
      notes.append(
        "TensorRT-LLM runs on NVIDIA GPUs only: '\(plan.cluster.device.name)' (\(plan.cluster.device.platform.rawValue)) cannot run this command"
      )
    }
    if [.fp8, .int4, .int8, .fp4].contains(plan.precision.weights) {
      notes.append(
        "\(plan.precision.weights.rawValue) weights: serve a checkpoint quantised with NVIDIA ModelOpt (TensorRT-LLM reads its quantisation from the checkpoint)"
      )
    }
    preamble = [
      "cat > extra-llm-api-options.yaml <<'EOF'",
      "enable_chunked_prefill: \(s.chunkedPrefill)",
      "kv_cache_config:",
      "  enable_block_reuse: \(s.prefixCaching)",
      "  free_gpu_memory_fraction: \(fraction(memory))",
    ]
    if plan.precision.kvCache == .fp8 { preamble.append("  dtype: fp8") }
    if !plan.customAllReduce {
      if pytorch {
        // TorchLlmArgs.allreduce_strategy (1.0): NCCL instead of AUTO.
        preamble.append("allreduce_strategy: NCCL")
      } else {
        notes.append(
          "TensorRT-LLM \(version) picks its all-reduce strategy when the engine is built; build it with NCCL to match the plan"
        )
      }
    }
    preamble += trtllmAttentionData(plan, &notes)
    preamble += trtllmRedundantExperts(plan, version, &notes)
    if let graphs = plan.cudaGraphMaxBatch {
      if pytorch {
        // TorchLlmArgs.cuda_graph_config (1.0): CudaGraphConfig's
        // max_batch_size, padded up to the next captured size.
        preamble += ["cuda_graph_config:", "  enable_padding: true", "  max_batch_size: \(graphs)"]
      } else {
        notes.append(
          "TensorRT-LLM \(version)'s engine flow runs without CUDA graphs as modelled; the plan's cuda_graph_max_batch \(graphs) is not exported"
        )
      }
    }
    preamble.append("EOF")
    // 0.19's --backend defaults to the TensorRT engine path, which the plan
    // models for 0.19 (C++ executor, no CUDA graphs); 1.0 makes pytorch the
    // default and the plan models it.
    var l = ["trtllm-serve \(model)"]
    if pytorch { l.append("--backend pytorch") }
    l.append("--tp_size \(p.tensor)")
    if p.pipeline > 1 { l.append("--pp_size \(p.pipeline)") }
    if p.expert > 1 { l.append("--ep_size \(p.expert)") }
    l.append("--max_batch_size \(s.maxNumSeqs)")
    l.append("--max_num_tokens \(s.maxNumBatchedTokens)")
    l.append("--extra_llm_api_options extra-llm-api-options.yaml")
    l += offload(plan, .trtllm, version, &notes)
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
