extension EngineProfile {
  /// llama.cpp's `llama-server` (llama-cpp-python 0.3.36's vendored llama.cpp,
  /// commit 0c1e57098).
  ///
  /// One iteration of `server_context::update_slots`
  /// (tools/server/server-context.cpp) first adds the sampled token of every
  /// generating slot to the batch, then, with continuous batching on
  /// (common.h `cont_batching = true`), fills it with pending prompt tokens
  /// slot by slot until it holds `n_batch` tokens: Sarathi's order (decodes,
  /// then the rest of partial prompts, then new ones) under a budget of
  /// `--batch-size` tokens, which `SchedulingPolicy.sarathi` runs. A request
  /// waits for a free slot (FIFO); a slot's KV is its own (no paging, no
  /// preemption). Each `llama_decode` call of at most `n_batch` tokens runs
  /// as micro-batches of at most `n_ubatch` tokens (src/llama-context.cpp
  /// `llama_context::decode`, one graph compute per ubatch), which the pricer
  /// charges (`IterationPricer` with `ubatchTokens`).
  ///
  /// Defaults (common.h, arg.cpp, server.cpp): 4 slots with a unified KV cache
  /// when `--parallel` is unset, `n_batch` 2048, `n_ubatch` 512, the cache the
  /// model's training context. The KV cache is allocated whole at start, so
  /// the memory share is 1 (the cache is capped at `--ctx-size`). The host
  /// builds a ggml graph per micro-batch on the CPU (`llama_context::
  /// graph_build`, reused when the shape repeats) and runs the server loop
  /// between iterations: about 0.3 ms per iteration (u), no captured graphs,
  /// no per-kernel launch beyond the device's dispatch figure.
  static func llamacpp(_ version: EngineVersion) -> EngineProfile {
    let options = LlamaCppOptions()
    return EngineProfile(
      engine: .llamacpp, version: version,
      scheduler: SchedulerConfig(
        policy: .sarathi, maxNumSeqs: options.slots, maxNumBatchedTokens: options.batchSize,
        chunkedPrefill: true, blockSize: 16, memoryUtilization: 1, preemption: .recompute,
        prefixCaching: false),
      graphsForDecode: false, graphMaxBatch: 0, iterationOverheadUs: llamacppIterationUs,
      perSequenceOverheadUs: 5, requestOverheadMs: 1)
  }

  /// Host time of one llama-server iteration beyond the forward pass, in
  /// microseconds: the slot loop, batch assembly, graph build or reuse and
  /// sampling bookkeeping in C++ (u, until the host suite fits it).
  public static let llamacppIterationUs = 300.0
}

extension EngineProfile {
  /// The profile `plan` runs under: its engine's release with the defaults for
  /// its device and parallelism, for llama.cpp its `--ubatch-size`, no
  /// start-up compiles for a dense model on an engine that compiles fused-MoE
  /// variants (`compilesFusedMoEPerShape`), a disaggregated request's
  /// hand-off between the pools (`disaggregatedHandoffMs`), and under
  /// speculative decoding the engine's changes for it (`speculating`).
  public static func of(plan: PlanSpec) -> EngineProfile {
    var profile = of(
      plan.engine, version: plan.engineVersion, device: plan.cluster.device, parallelism: plan.parallelism)
    if let options = plan.llamacpp { profile.ubatchTokens = options.ubatchSize }
    if let graphs = plan.cudaGraphMaxBatch, profile.graphsForDecode { profile.graphMaxBatch = graphs }
    if let tokenize = plan.tokenizeUsPerToken { profile.tokenizeUsPerToken = tokenize }
    if profile.compilesFusedMoEPerShape && plan.model.moe == nil { profile.coldStartMs = 0 }
    if plan.disaggregation != nil { profile.requestOverheadMs += disaggregatedHandoffMs }
    // SGLang's routed experts on sm100 run FlashInfer's TensorRT-LLM fused
    // MoE, whose per-row cost is measured (`flashInferMoERowPs`).
    if SGLangBlackwellPaths.runsFlashInferMoE(plan: plan, device: plan.cluster.device) {
      profile.fusedMoERowPs = flashInferMoERowPs
    }
    return profile.speculating(plan.speculative)
  }
}
