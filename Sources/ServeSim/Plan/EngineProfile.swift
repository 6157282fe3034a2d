/// What a serving engine brings to a plan: its scheduler defaults and the fixed
/// costs of one iteration that are not kernels.
///
/// Defaults follow each engine's documented settings for an online server on an
/// 80 GB-class device. The CPU overheads are estimates marked (u): starting
/// values for calibration (issue "microbenchmark runner"), not measurements.
public struct EngineProfile: Sendable, Equatable {
  public var engine: EngineKind
  /// The scheduler settings the engine uses when a plan sets none (its
  /// `prefixCaching`: whether it caches prompt prefixes unless told not to).
  public var scheduler: SchedulerConfig
  /// Whether decode-only iterations replay a captured graph (CUDA graphs), so
  /// each kernel costs `DeviceSpec.graphKernelUs` instead of a launch.
  public var graphsForDecode: Bool
  /// Whether batches with prefill tokens replay graphs too (vLLM V1's
  /// piecewise graphs), not only decode-only batches.
  public var graphsForMixedBatches = false
  /// Largest decode batch that is captured in a graph.
  public var graphMaxBatch: Int
  /// CPU time per iteration on the critical path (scheduling, input preparation,
  /// output processing), in microseconds.
  public var iterationOverheadUs: Double
  /// Extra CPU time per sequence in the batch, in microseconds.
  public var perSequenceOverheadUs: Double
  /// Time a request spends in the engine's API server before the scheduler
  /// sees it, and its first token on the way back (HTTP, tokenisation, IPC,
  /// detokenisation, streaming), in milliseconds: part of every TTFT.
  /// Fitted for TensorRT-LLM (Triton backend, 0.14) on the calibration part
  /// of `servesim validate`'s trtllm-online suite: the median TTFT the
  /// simulator missed at 2 and 4 requests/s, where nothing queues (6.0 ms over
  /// 18 rows of Llama-3.1-8B and 70B on H100 and H200; the held-out rows give
  /// 6.7 ms). vLLM's and SGLang's OpenAI servers do the same work in Python
  /// and get the same figure (u) until a suite measures them.
  public var requestOverheadMs = 6.0
  /// Host time to issue one kernel outside a captured graph, in
  /// microseconds: the Python model code, the framework's operator dispatch
  /// and the launch call. An eager layer takes at least its kernels' issue
  /// time (a host-bound iteration: the GPU idles between short kernels),
  /// which is why engines capture decode in graphs. 0: not modelled.
  public var hostKernelUs = 0.0
  /// Whether the scheduler prepares the next batch while the device runs the
  /// current one (SGLang's overlap scheduler, TensorRT-LLM's PyTorch-backend
  /// overlap scheduler, vLLM's async scheduling): the per-iteration CPU time
  /// (`iterationOverheadUs`, `perSequenceOverheadUs`) then costs only what it
  /// exceeds the device's time by.
  public var overlapsScheduling = false
  /// Whether fp8 activations are quantised inside the kernel that produces
  /// them (the norm or the activation writes fp8) instead of by a kernel of
  /// their own before each GEMM. TensorRT-LLM builds fuse the Q/DQ of fp8
  /// per-tensor activations into the producer (TensorRT's Q/DQ fusion;
  /// docs/source/reference/precision.md, "FP8 (Hopper)").
  public var fusesActivationQuantisation = false

  /// The profile of an engine, with the defaults it picks for `device` and
  /// the plan's tensor × pipeline size (nil: an 80 GB-class GPU).
  public static func of(
    _ engine: EngineKind, device: DeviceSpec? = nil, parallelism: Parallelism = Parallelism()
  ) -> EngineProfile {
    // Device memory as the engines read it from the driver: vLLM in GiB,
    // SGLang in MiB (an H100 80GB shows 81,559 MiB).
    let bytes = device?.visibleMemoryBytes ?? 81_559 * 1_048_576
    let gib = bytes / 1_073_741_824
    let mib = bytes / 1_048_576
    switch engine {
    case .vllm:
      // vLLM 0.8.5 (V1 engine), EngineArgs._set_default_args_v1 for the
      // OpenAI server: on devices of 70 GiB or more, max_num_seqs 1024 and
      // max_num_batched_tokens 8192; otherwise 256 and 2048. block_size 16,
      // gpu_memory_utilization 0.9, chunked prefill always on, prefix caching
      // on unless disabled (enable_prefix_caching None → True); CUDA graphs
      // captured for decode batches up to 512. CPU overhead (u): V1 without
      // async scheduling runs schedule and prepare_inputs between steps,
      // about 0.5 ms plus a few us per sequence.
      let large = gib >= 70
      var profile = EngineProfile(
        engine: .vllm,
        scheduler: SchedulerConfig(
          policy: .vllm, maxNumSeqs: large ? 1024 : 256, maxNumBatchedTokens: large ? 8192 : 2048,
          chunkedPrefill: true, blockSize: 16, memoryUtilization: 0.9, prefixCaching: true),
        graphsForDecode: true, graphMaxBatch: 512,
        iterationOverheadUs: 500,
        perSequenceOverheadUs: 4)
      profile.graphsForMixedBatches = true
      profile.hostKernelUs = 60
      return profile
    case .sglang:
      // SGLang 0.4.9 ServerArgs.__post_init__ by device memory (MiB):
      // chunked_prefill_size 2048 under 35 GiB, 8192 under 160 GiB, else
      // 16384; mem_fraction_static = (memory − reserved) / memory with
      // reserved (2.8 + tp·pp/10) GiB under 35 GiB, (9.5 + tp·pp/2) under
      // 90, (12 + tp·pp/2) under 160, else 32; page_size 1; the radix cache
      // on (disable_radix_cache False). CUDA graphs
      // (cuda_graph_runner) up to batch 160, 256 above 90 GiB, 512 above
      // 160 GB, but 8 (tp < 4) or 80 under 35 GiB. max_running_requests is
      // set from the KV pool (`defaultScheduler(model:...)`). The overlap
      // scheduler hides most CPU time (u).
      let parallel = Double(parallelism.tensor * parallelism.pipeline)
      let reserved: Double =
        mib < 35 * 1024
        ? (2.8 + parallel / 10) * 1024
        : mib < 90 * 1024
          ? (9.5 + parallel / 2) * 1024 : mib < 160 * 1024 ? (12 + parallel / 2) * 1024 : 32 * 1024
      let fraction = ((mib - reserved) / mib * 1000).rounded() / 1000
      let graphs =
        mib < 35 * 1024
        ? (parallelism.tensor < 4 ? 8 : 80) : mib > 160 * 1000 ? 512 : mib > 90 * 1024 ? 256 : 160
      var sglang = EngineProfile(
        engine: .sglang,
        scheduler: SchedulerConfig(
          policy: .sglang, maxNumSeqs: 1024,
          maxNumBatchedTokens: mib < 35 * 1024 ? 2048 : mib < 160 * 1024 ? 8192 : 16384,
          chunkedPrefill: true, blockSize: 1, memoryUtilization: min(max(fraction, 0.05), 0.95),
          prefixCaching: true),
        graphsForDecode: true, graphMaxBatch: graphs, iterationOverheadUs: 150,
        perSequenceOverheadUs: 1)
      sglang.hostKernelUs = 60
      sglang.overlapsScheduling = true
      return sglang
    case .trtllm:
      // TensorRT-LLM trtllm-serve (0.19): max_batch_size 2048, max_num_tokens
      // 8192, tokens_per_block 32, free_gpu_memory_fraction 0.9, KV-cache
      // block reuse on (KvCacheConfig.enable_block_reuse, as documented), in-flight
      // batching with chunked context; C++ executor overhead is small (u).
      var trtllm = EngineProfile(
        engine: .trtllm,
        scheduler: SchedulerConfig(
          policy: .trtllm, maxNumSeqs: 2048, maxNumBatchedTokens: 8192, chunkedPrefill: true,
          blockSize: 32, memoryUtilization: 0.9, prefixCaching: true),
        graphsForDecode: true,
        graphMaxBatch: 512, iterationOverheadUs: 100, perSequenceOverheadUs: 1)
      trtllm.fusesActivationQuantisation = true
      return trtllm
    case .mindie:
      // MindIE-Service 1.0 config.json on Ascend: maxBatchSize 200,
      // maxPrefillTokens 8192, cacheBlockSize 128, SplitFuse (chunked prefill)
      // off by default, so whole prompts are prefilled (Orca-style), prefix
      // cache off by default. Eager ATB
      // operators, no captured graph (u); host overhead about 1.5 ms (u).
      return EngineProfile(
        engine: .mindie,
        scheduler: SchedulerConfig(
          policy: .orca, maxNumSeqs: 200, maxNumBatchedTokens: 8192, chunkedPrefill: false,
          blockSize: 128, memoryUtilization: 0.9, prefixCaching: false),
        graphsForDecode: false,
        graphMaxBatch: 0, iterationOverheadUs: 1500, perSequenceOverheadUs: 6)
    }
  }

  /// The scheduler settings `engine` picks for a plan that sets none: the
  /// profile's, and for SGLang a max_running_requests derived from the KV
  /// pool as its TpModelWorker does: min(pool tokens / 2, request slots), the
  /// slots being pool tokens / context length × 512, clamped to 2048...4096.
  public static func defaultScheduler(
    _ engine: EngineKind, model: ModelSpec, device: DeviceSpec, parallelism: Parallelism,
    precision: Precision
  ) -> SchedulerConfig {
    var scheduler = of(engine, device: device, parallelism: parallelism).scheduler
    if engine == .sglang {
      let memory = MemoryPlan(
        model: model, device: device, parallelism: parallelism, precision: precision,
        scheduler: scheduler, engine: engine)
      let tokens = memory.kvTokens / max(parallelism.pipeline, 1)
      let slots = min(max(Int(Double(tokens) / Double(max(model.maxContext, 1)) * 512), 2048), 4096)
      scheduler.maxNumSeqs = max(min(tokens / 2, slots), 1)
    }
    return scheduler
  }
}
