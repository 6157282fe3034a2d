import ServeSim

extension LaunchCommand {
  /// The GGUF type name of a weight format (`llama-quantize`'s names,
  /// tools/quantize/quantize.cpp).
  static func ggufType(_ dtype: DType) -> String {
    switch dtype {
    case .fp32: "F32"
    case .fp16: "F16"
    case .bf16: "BF16"
    case .q8_0: "Q8_0"
    case .q4_0: "Q4_0"
    case .q4KM: "Q4_K_M"
    case .fp8, .int8, .int4, .fp4, .mxfp4: "Q8_0"
    }
  }

  /// `llama-server`'s command for `plan` (flags of common/arg.cpp, llama.cpp
  /// 0c1e57098 as llama-cpp-python 0.3.36 vendors it, in their long forms):
  /// the GGUF file (`-m`), the KV cache (`-c`), slots (`-np`), logical and
  /// physical batch (`-b`, `-ub`), threads (`-t`) and the unified cache
  /// (`--kv-unified` / `--no-kv-unified`), always written out so the command
  /// does not depend on the build's defaults.
  static func llamacpp(_ plan: PlanSpec, _ model: String, _ notes: inout [String]) -> [String] {
    let o = plan.llamacpp ?? LlamaCppOptions()
    let type = ggufType(plan.precision.weights)
    let file = model.hasSuffix(".gguf") ? model : "\(plan.model.name)-\(type).gguf"
    if !model.hasSuffix(".gguf") {
      notes.append(
        "\(file): convert \(model) with llama.cpp's convert_hf_to_gguf.py and `llama-quantize ... \(type)`")
    }
    if [.fp8, .int8, .int4].contains(plan.precision.weights) {
      notes.append("\(plan.precision.weights.rawValue) weights have no GGUF type here: Q8_0 stands in")
    }
    if plan.parallelism.devices > 1 {
      notes.append("llama-server runs one replica on one device; run \(plan.parallelism.data) servers")
    }
    if plan.precision.kvCache != .fp16 {
      notes.append(
        "the KV cache is F16 (llama.cpp's default -ctk/-ctv f16); the plan simulated \(plan.precision.kvCache.rawValue)"
      )
    }
    // Slots and batch as simulated (a plan's scheduler may override them).
    let slots = plan.scheduler.maxNumSeqs
    var l = ["llama-server --model \(file)"]
    l.append("--ctx-size \(o.contextTokens(trainContext: plan.model.maxContext))")
    l.append("--parallel \(slots)")
    l.append("--batch-size \(o.batchSize)")
    l.append("--ubatch-size \(o.ubatchSize)")
    // Threads: the plan's, else the CPU's cores (arg.cpp's default,
    // `common_cpu_get_num_math()`); on an accelerator the default stands.
    if let threads = o.threads {
      l.append("--threads \(threads)")
    } else if plan.cluster.device.kind == .cpu {
      l.append("--threads \(plan.cluster.device.computeUnits)")
    }
    l.append(o.unified ? "--kv-unified" : "--no-kv-unified")
    if plan.cluster.device.kind != .cpu { l.append("--n-gpu-layers 999") }
    l.append("--host 0.0.0.0 --port 8080")
    return l
  }
}
