/// What a serving engine brings to a plan: its scheduler defaults and the fixed
/// costs of one iteration that are not kernels.
///
/// Defaults follow each engine's documented settings for an online server on an
/// 80 GB-class device. The CPU overheads are estimates marked (u): starting
/// values for calibration (issue "microbenchmark runner"), not measurements.
public struct EngineProfile: Sendable, Equatable {
  public var engine: EngineKind
  /// The modelled release whose defaults these are.
  public var version: EngineVersion
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
  /// Host time per sequence of a speculative decoding step, outside its
  /// kernels and on the step's critical path, in microseconds (0: none
  /// modelled; `speculating(_:)`).
  public var speculativeSequenceUs = 0.0
  /// Time a request spends in the engine's API server before the scheduler
  /// sees it, and its first token on the way back (HTTP, tokenisation, IPC,
  /// detokenisation, streaming), in milliseconds: part of every TTFT.
  /// Fitted for TensorRT-LLM (Triton backend, 0.14) on the calibration part
  /// of `servesim validate`'s trtllm-online suite: the median TTFT the
  /// simulator missed at 2 and 4 requests/s, where nothing queues (18 rows
  /// of Llama-3.1-8B and 70B on H100 and H200). First 6.0 ms; refitted to
  /// 7.5 ms when those runs came to be replayed at their nominal span
  /// (`WorkloadSpec.exactRate`), where the median residual had grown to
  /// 1.6 ms (held-out rows 2.6 ms; after the refit 0.1 and 1.1 ms). Refitted
  /// to 6.7 ms when the prompt's tokenisation became a time of its own
  /// (`tokenizeUsPerToken`, 0.5-1.1 ms for those prompts): the median
  /// residual had gone to -0.7 ms (held out 0.3 ms). vLLM's and SGLang's
  /// OpenAI servers do the same work in Python and get the same figure (u)
  /// until a suite measures them.
  public var requestOverheadMs = 6.7
  /// The API server's time to tokenise a prompt, per prompt token, in
  /// microseconds: work its front end does for one request at a time, so
  /// it adds to every TTFT and spaces out requests sent together (0: not
  /// modelled). SGLang 0.5.9 tokenises in the TokenizerManager's event loop
  /// (`TokenizerManager._tokenize_texts`, srt/managers/tokenizer_manager.py:
  /// `self.tokenizer(...)` unless `--enable-dynamic-batch-tokenizer`),
  /// TensorRT-LLM's `trtllm-serve` in its OpenAI server's loop
  /// (`BaseLLM.generate_async` runs the input processor's `tokenizer.encode`
  /// before submitting), vLLM's OpenAI server on one tokenizer thread.
  /// `hfTokenizeUsPerToken` is measured.
  public var tokenizeUsPerToken = 0.0
  /// Time a disaggregated request spends between the front end and the two
  /// pools beyond an aggregated server's path, in milliseconds, added to
  /// `requestOverheadMs` for a plan with `disaggregation` (`of(plan:)`): the
  /// front end's hop to the prefill worker and its router, the prefill's
  /// bootstrap handshake with the decode worker (SGLang 0.5.9
  /// disaggregation/prefill.py: a request joins the prefill's waiting queue
  /// only once `pop_bootstrapped` sees the decode side's KV indices, which
  /// the decode worker sends from its own loop, `pop_preallocated` in
  /// disaggregation/decode.py), the transfer's completion polls on both
  /// sides and the first token's way back through the decode worker and the
  /// front end. Not itemised (u): one figure fitted on the calibration part
  /// of `servesim validate`'s InferenceMAX disaggregated rows (NVIDIA Dynamo
  /// over SGLang and TensorRT-LLM, AMD's MoRI over SGLang; H100 to GB300 and
  /// MI355X), whose TTFT at one to four clients exceeds the replay's by 40
  /// to 200 ms whatever the prompt: the InferenceMAX suite's TTFT median
  /// |error| on a grid of 0, 40, 80, 120, 160 and 220 ms was 28.78, 28.27,
  /// 27.59, 27.53, 27.58 and 28.31% (calibration part), 29.66, 28.06, 27.48,
  /// 28.28, 29.05 and 29.82% (held out); the disaggregated part's TTFT went
  /// from 50.4 to 42.7%. vLLM's NIXL connector behind its proxy takes the
  /// same figure (u) until a suite measures it.
  public static let disaggregatedHandoffMs = 120.0
  /// A Hugging Face fast tokenizer's time per prompt token for the
  /// benchmark clients' random-token prompts, in microseconds: Llama 3's
  /// BPE (128,256 tokens, llama.cpp's `models/ggml-vocab-llama-bpe.gguf`
  /// loaded into `tokenizers` 0.22 with Llama 3's pre-tokenizer) encoding
  /// the text of uniformly random token IDs, as vLLM's and InferenceMAX's
  /// `--dataset-name random` send it: medians of 15 encodes on one thread
  /// of this project's 2-core Xeon host, 2.29-2.48 us a token from 512 to
  /// 4,096 tokens (0.31 ms at 128, 2.35 ms at 1,024, 22.5 ms at 8,192).
  public static let hfTokenizeUsPerToken = 2.4
  /// Host time to issue one kernel outside a captured graph, in
  /// microseconds: the Python model code, the framework's operator dispatch
  /// and the launch call. An eager layer takes at least its kernels' issue
  /// time (a host-bound iteration: the GPU idles between short kernels),
  /// which is why engines capture decode in graphs. 0: not modelled.
  public var hostKernelUs = 0.0
  /// Whether the host keeps ahead of the device in eager mode, so that an
  /// eager layer takes the longer of its kernels' issue and their run (true);
  /// or issues them one by one, each kernel taking the longer of its own
  /// issue and run, so that the issue of short kernels adds to the run of
  /// long ones (false: `CostModel.issued`). The second is what the
  /// InferenceMAX DeepSeek-R1 runs under SGLang and TensorRT-LLM's PyTorch
  /// backend show: a prefill of 8K tokens takes the device's time for it
  /// plus most of the fixed time a 1K prefill shows (B200, one client:
  /// 157 ms at 1K, 314 ms at 8K, where the device runs about 37 and 157 ms),
  /// not the longer of the two. Fitted on the calibration part of `servesim
  /// validate` with the host figures below: median |error| of all figures
  /// 14.6% to 13.5% (held out 14.3% to 13.3%), TTFT 27.3% to 23.9% (held
  /// out 28.1% to 24.7%). vLLM keeps the first rule (u) until a suite
  /// measures it.
  public var hostKeepsAhead = true
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
  /// The share of the calibration's fitted GEMM compute rate that the
  /// engine's fused-MoE kernel reaches on the experts' grouped GEMMs (1:
  /// the dense fit's). Fitted on the measured fused-MoE kernels of NVIDIA's
  /// AIConfigurator 0.4.0 on H100 and H200 (`clusters/profiles/
  /// aiconfigurator/`, `sglangFusedMoEComputeShare`,
  /// `trtllmFusedMoEComputeShare`): above 1,024 tokens the kernels took 1.3
  /// to 2.3 times the time of servesim's expert GEMMs at the dense fit's
  /// rate (skewed routing over experts, per-expert tile padding, the
  /// sorted-gather and block-scaled loads the dense fit does not see).
  public var fusedMoEComputeShare = 1.0
  /// Time the engine's fused-MoE kernel spends per token-to-expert row and
  /// element of the hidden width beyond its expert GEMMs, in picoseconds:
  /// work on each routed row that tensor parallelism does not divide
  /// (gathering the rows by expert, the epilogue's writes of full-width
  /// rows, the finalize that un-permutes and sums them). NVIDIA
  /// AIConfigurator's measured fused-MoE kernels follow A / t + C over MoE
  /// tensor parallelism t = 1, 2, 4, 8 within about 5% (t = 1 and 8 predict
  /// 2 and 4), C growing with rows × hidden (`clusters/profiles/
  /// aiconfigurator/moe_perf_subset.csv`). 0: none modelled beyond the
  /// compute share, which the Hopper kernels' fits (`fusedMoEComputeShare`)
  /// and the serving fits on them absorb.
  public var fusedMoERowPs = 0.0
  /// The share of the device's attention rate (peak × `efficiency.attention`)
  /// the engine's attention kernels reach where they are priced by the
  /// roofline (MLA prefill and decode), 1: the device's figure.
  public var attentionComputeShare = 1.0
  /// Time a cold server's first batch takes beyond its kernels, in
  /// milliseconds: kernels compiled or tuned on first use (SGLang's
  /// DeepGEMM and Triton JIT, TensorRT-LLM 1.0's PyTorch-backend autotuner
  /// and graph warm-up). Paid only by runs whose workload says
  /// `cold_start`. 0: nothing compiled on first use (engines that build or
  /// capture everything before serving).
  public var coldStartMs = 0.0
  /// Whether the start-up work of `coldStartMs` is paid by each batch that
  /// runs a fused-MoE kernel variant not compiled before
  /// (`FusedMoECompiles`), instead of by the first batch: SGLang's Triton
  /// fused MoE, for MoE models without expert parallelism. A dense model
  /// compiles nothing on first use (its DeepGEMM kernels compile during the
  /// server's warm-up request): `of(plan:)` sets its `coldStartMs` to 0.
  public var compilesFusedMoEPerShape = false
  /// Most tokens one forward pass takes: llama.cpp splits a batch into
  /// micro-batches of `--ubatch-size` tokens, each its own pass over the
  /// weights (`IterationPricer.price`). 0: one pass per iteration.
  public var ubatchTokens = 0

  /// The profile of an engine's release `version` (nil: the newest modelled,
  /// see `EngineRelease`), with the defaults it picks for `device` and the
  /// plan's tensor × pipeline size (nil: an 80 GB-class GPU).
  public static func of(
    _ engine: EngineKind, version: EngineVersion? = nil, device: DeviceSpec? = nil,
    parallelism: Parallelism = Parallelism()
  ) -> EngineProfile {
    let release = EngineRelease(engine, version)
    // Device memory as the engines read it from the driver: vLLM in GiB,
    // SGLang in MiB (an H100 80GB shows 81,559 MiB).
    let bytes = device?.visibleMemoryBytes ?? 81_559 * 1_048_576
    var profile: EngineProfile
    switch engine {
    case .vllm:
      profile = vllm(
        release.version, gib: bytes / 1_073_741_824, device: device, pipeline: parallelism.pipeline)
    case .sglang:
      profile = sglang(
        release.version, mib: bytes / 1_048_576, parallelism: parallelism, rocm: device?.platform == .rocm)
    case .trtllm: profile = trtllm(release.version)
    case .llamacpp: profile = llamacpp(release.version)
    case .mindie:
      // MindIE-Service 1.0 config.json on Ascend: maxBatchSize 200,
      // maxPrefillTokens 8192, cacheBlockSize 128, SplitFuse (chunked prefill)
      // off by default, so whole prompts are prefilled (Orca-style), prefix
      // cache off by default. Eager ATB
      // operators, no captured graph (u); host overhead about 1.5 ms (u).
      profile = EngineProfile(
        engine: .mindie, version: release.version,
        scheduler: SchedulerConfig(
          policy: .orca, maxNumSeqs: 200, maxNumBatchedTokens: 8192, chunkedPrefill: false,
          blockSize: 128, memoryUtilization: 0.9, prefixCaching: false),
        graphsForDecode: false,
        graphMaxBatch: 0, iterationOverheadUs: 1500, perSequenceOverheadUs: 6)
    }
    // The Python API servers tokenise prompts on one front-end thread.
    if [.vllm, .sglang, .trtllm].contains(engine) { profile.tokenizeUsPerToken = hfTokenizeUsPerToken }
    return profile
  }

  /// vLLM's defaults for the OpenAI server (`vllm serve`), by release.
  static func vllm(_ version: EngineVersion, gib: Double, device: DeviceSpec?, pipeline: Int)
    -> EngineProfile
  {
    if version < EngineVersion(0, 8) {
      // vLLM 0.6.6.post1, the V0 engine (VLLM_USE_V1 defaults to 0,
      // vllm/envs.py). EngineArgs.__post_init__ (vllm/engine/arg_utils.py):
      // enable_prefix_caching None → bool(VLLM_USE_V1) = off, max_num_seqs
      // 256; gpu_memory_utilization 0.9; --block-size default 16 on CUDA.
      // Chunked prefill is off unless the model's context exceeds 32K
      // (create_engine_config; `defaultScheduler` applies it with the
      // model), and max_num_batched_tokens is then max(max_model_len, 2048)
      // (SchedulerConfig.__post_init__, vllm/config.py). Without chunking
      // the default scheduler runs prefill-only batches before decodes
      // (vllm/core/scheduler.py `_schedule_default`: "Don't schedule decodes
      // if prefills are scheduled"), which `SchedulingPolicy.vllm` models
      // when chunkedPrefill is false. CUDA graphs (VllmConfig.
      // _set_cudagraph_sizes, V0 branch) cover decode batches up to the
      // first of [1, 2, 4, 8, 16, ...] not below max_num_seqs (256); prefill
      // batches run eagerly, issued as SGLang's are (its Python model code on
      // PyTorch and Triton). CPU overhead as V1 without async scheduling (u).
      var v0 = EngineProfile(
        engine: .vllm, version: version,
        scheduler: SchedulerConfig(
          policy: .vllm, maxNumSeqs: 256, maxNumBatchedTokens: 2048, chunkedPrefill: false,
          blockSize: 16, memoryUtilization: 0.9, prefixCaching: false),
        graphsForDecode: true, graphMaxBatch: 256, iterationOverheadUs: 500,
        perSequenceOverheadUs: 4, hostKernelUs: pythonHostKernelUs)
      v0.hostKeepsAhead = false
      return v0
    }
    // vLLM 0.8.5 (V1 engine), EngineArgs._set_default_args_v1 for the
    // OpenAI server: on devices of 70 GiB or more, max_num_seqs 1024 and
    // max_num_batched_tokens 8192; otherwise 256 and 2048. block_size 16,
    // gpu_memory_utilization 0.9, chunked prefill always on, prefix caching
    // on unless disabled (enable_prefix_caching None → True); CUDA graphs
    // captured for decode batches up to 512. vLLM 0.11.0
    // (EngineArgs._set_default_args) keeps these but gives an A100 the small
    // defaults even with 80 GB ("a100" not in the device name), and
    // captures graphs up to min(2 × max_num_seqs, 512)
    // (SchedulerConfig.__post_init__, vllm/config/scheduler.py).
    // async_scheduling stays off by default in both. CPU overhead (u): V1
    // without async scheduling runs schedule and prepare_inputs between
    // steps, about 0.5 ms plus a few us per sequence. vLLM 0.14.0 keeps
    // these defaults (`EngineArgs.get_batch_defaults`, the capture sizes of
    // `VllmConfig._set_cudagraph_sizes`) and turns async scheduling on
    // (`SchedulerConfig.async_scheduling` defaults to None, which
    // `VllmConfig.__post_init__` sets to True unless the pipeline has more
    // than one stage or the speculation is not EAGLE/MTP; 0.13.0 still
    // defaulted it to False): `EngineCore.step_with_batch_queue`
    // (vllm/v1/engine/core.py) schedules and launches the next step while the
    // device runs the current one, two batches in flight, so the CPU time
    // costs only what it exceeds the device's time by, and a request that
    // arrives during a step is taken by the loop pass after it, into the
    // step after next (`Simulator.defersArrivals`).
    let a100 = version >= EngineVersion(0, 11) && (device?.name.lowercased().contains("a100") ?? false)
    let large = gib >= 70 && !a100
    let seqs = large ? 1024 : 256
    var profile = EngineProfile(
      engine: .vllm, version: version,
      scheduler: SchedulerConfig(
        policy: .vllm, maxNumSeqs: seqs, maxNumBatchedTokens: large ? 8192 : 2048,
        chunkedPrefill: true, blockSize: 16, memoryUtilization: 0.9, prefixCaching: true),
      graphsForDecode: true,
      graphMaxBatch: version >= EngineVersion(0, 11) ? min(2 * seqs, 512) : 512,
      iterationOverheadUs: 500,
      perSequenceOverheadUs: 4)
    profile.graphsForMixedBatches = true
    profile.overlapsScheduling = version >= EngineVersion(0, 14) && pipeline <= 1
    profile.hostKernelUs = compiledHostKernelUs
    // vLLM's Triton fused MoE (`fused_experts`, vllm/model_executor/layers/
    // fused_moe/fused_moe.py) is the kernel SGLang's fused_moe_triton was
    // forked from; AIConfigurator measures no vLLM MoE, so SGLang's share (u).
    profile.fusedMoEComputeShare = sglangFusedMoEComputeShare
    return profile
  }

  /// SGLang's defaults (`ServerArgs`, sglang/srt/server_args.py), by release;
  /// `mib` is the device memory the driver reports, in MiB.
  static func sglang(_ version: EngineVersion, mib: Double, parallelism: Parallelism, rocm: Bool = false)
    -> EngineProfile
  {
    let parallel = Double(parallelism.tensor * parallelism.pipeline)
    let chunk: Int
    let graphs: Int
    let fraction: Double
    if version < EngineVersion(0, 5) {
      // SGLang 0.4.9 ServerArgs.__post_init__ by device memory (MiB):
      // chunked_prefill_size 2048 under 35 GiB, 8192 under 160 GiB, else
      // 16384; mem_fraction_static = (memory − reserved) / memory with
      // reserved (2.8 + tp·pp/10) GiB under 35 GiB, (9.5 + tp·pp/2) under
      // 90, (12 + tp·pp/2) under 160, else 32; CUDA graphs
      // (cuda_graph_runner) up to batch 160, 256 above 90 GiB, 512 above
      // 160 GB, but 8 (tp < 4) or 80 under 35 GiB.
      let reserved: Double =
        mib < 35 * 1024
        ? (2.8 + parallel / 10) * 1024
        : mib < 90 * 1024
          ? (9.5 + parallel / 2) * 1024 : mib < 160 * 1024 ? (12 + parallel / 2) * 1024 : 32 * 1024
      fraction = ((mib - reserved) / mib * 1000).rounded() / 1000
      graphs =
        mib < 35 * 1024
        ? (parallelism.tensor < 4 ? 8 : 80) : mib > 160 * 1000 ? 512 : mib > 90 * 1024 ? 256 : 160
      chunk = mib < 35 * 1024 ? 2048 : mib < 160 * 1024 ? 8192 : 16384
    } else {
      // SGLang 0.5.5 ServerArgs._handle_gpu_memory_settings by device
      // memory (MiB): chunked_prefill_size 2048 under 35 GiB, 4096 under 60,
      // 8192 under 160, else 16384; cuda_graph_max_bs 8 under 20 GiB, then
      // (tp < 4 / tp ≥ 4) 24/80 under 35, 32/160 under 60, 256/512 under
      // 160, else 512; mem_fraction_static = round((memory − reserved) /
      // memory, 3) with reserved = 512 + 1.5 × max(chunk, 2048) +
      // 2 × cuda_graph_max_bs + tp·pp/8 × 1024 MiB, at least 10 GiB on
      // devices above 60 GiB.
      let small = parallelism.tensor < 4
      if mib < 20 * 1024 {
        (chunk, graphs) = (2048, 8)
      } else if mib < 35 * 1024 {
        (chunk, graphs) = (2048, small ? 24 : 80)
      } else if mib < 60 * 1024 {
        (chunk, graphs) = (4096, small ? 32 : 160)
      } else if mib < 160 * 1024 {
        (chunk, graphs) = (8192, small ? 256 : 512)
      } else {
        (chunk, graphs) = (16384, 512)
      }
      var reserved = 512 + Double(max(chunk, 2048)) * 1.5 + Double(graphs) * 2 + parallel / 8 * 1024
      if mib > 60 * 1024 { reserved = max(reserved, 10 * 1024) }
      fraction = ((mib - reserved) / mib * 1000).rounded() / 1000
    }
    // Both: page_size 1, the radix cache on (disable_radix_cache False),
    // no mixed chunks (enable_mixed_chunk False), schedule_conservativeness
    // 1.0. max_running_requests is set from the KV pool
    // (`defaultScheduler(model:...)`). The overlap scheduler is on
    // (disable_overlap_schedule False since 0.4.0; Scheduler.
    // event_loop_overlap): CPU time hides behind the device's.
    var profile = EngineProfile(
      engine: .sglang, version: version,
      scheduler: SchedulerConfig(
        policy: .sglang, maxNumSeqs: 1024, maxNumBatchedTokens: chunk,
        chunkedPrefill: true, blockSize: 1, memoryUtilization: min(max(fraction, 0.05), 0.95),
        prefixCaching: true),
      graphsForDecode: true, graphMaxBatch: graphs, iterationOverheadUs: 150,
      perSequenceOverheadUs: 1, hostKernelUs: pythonHostKernelUs)
    profile.hostKeepsAhead = false
    profile.overlapsScheduling = true
    profile.coldStartMs = rocm ? sglangROCmColdStartMs : sglangColdStartMs
    profile.compilesFusedMoEPerShape = true
    // On ROCm SGLang 0.5.5 runs aiter's fused MoE under SGLANG_USE_AITER
    // (`Fp8MoEMethod.maybe_apply_hip_fused_experts`, srt/layers/
    // quantization/fp8.py), not the Triton kernel the share was measured
    // on: unmeasured (1).
    profile.fusedMoEComputeShare = rocm ? 1 : sglangFusedMoEComputeShare
    if rocm { profile.attentionComputeShare = sglangROCmAttentionShare }
    return profile
  }

  /// TensorRT-LLM's `trtllm-serve` defaults, by release.
  ///
  /// The `tensorrt-llm` package on PyPI is a 1.6 kB stub that fetches the
  /// wheel from pypi.nvidia.com, which could not be reached here; these
  /// follow the releases' documentation (nvidia.github.io/TensorRT-LLM,
  /// "trtllm-serve" and the LLM API reference of 0.19 and 1.0).
  static func trtllm(_ version: EngineVersion) -> EngineProfile {
    // 0.19 and 1.0 alike: max_batch_size 2048 and max_num_tokens 8192
    // (BuildConfig defaults, the trtllm-serve options' defaults),
    // tokens_per_block 32, kv_cache_free_gpu_memory_fraction 0.9, KV-cache
    // block reuse on (KvCacheConfig.enable_block_reuse), in-flight batching
    // with chunked context under the GUARANTEED_NO_EVICT capacity scheduler
    // (CapacitySchedulerPolicy default). 1.0 makes the PyTorch backend the
    // default (0.19 needs --backend pytorch) and turns its overlap scheduler
    // on (0.19's PyTorchConfig.enable_overlap_scheduler was off).
    //
    // Before 1.0 the default flow runs a TensorRT engine from the C++
    // executor: kernels are enqueued from C++ (no Python per kernel), CUDA
    // graphs only on request (ExtendedRuntimePerfKnobConfig.cuda_graph_mode
    // defaults to false, as the Triton backend's `cuda_graph_mode`), and
    // the scheduler runs between steps. From 1.0 the PyTorch backend issues
    // kernels from Python (eager prefill pays the Python issue time), replays
    // CUDA graphs for decode and overlaps scheduling with the device. Both
    // quantise fp8 per-tensor activations inside the producing kernel.
    // C++ executor overhead is small (u).
    let pytorch = version >= EngineVersion(1, 0)
    var profile = EngineProfile(
      engine: .trtllm, version: version,
      scheduler: SchedulerConfig(
        policy: .trtllm, maxNumSeqs: 2048, maxNumBatchedTokens: 8192, chunkedPrefill: true,
        blockSize: 32, memoryUtilization: 0.9, prefixCaching: true),
      graphsForDecode: pytorch,
      graphMaxBatch: pytorch ? 512 : 0, iterationOverheadUs: 100, perSequenceOverheadUs: 1,
      hostKernelUs: pytorch ? trtllmHostKernelUs : 0)
    profile.hostKeepsAhead = !pytorch
    profile.overlapsScheduling = pytorch
    profile.coldStartMs = pytorch ? trtllmColdStartMs : 0
    profile.fusesActivationQuantisation = true
    // The PyTorch backend's fused MoE (CUTLASS); the TensorRT engines'
    // MoE plugin (before 1.0) is not measured (1).
    profile.fusedMoEComputeShare = pytorch ? trtllmFusedMoEComputeShare : 1
    return profile
  }

  /// Host time to issue one modelled kernel from a Python engine's eager
  /// model code (the framework's dispatch, the launch, and the smaller ops
  /// the cost model folds into its operators), in microseconds. Fitted on
  /// the calibration part of `servesim validate`: InferenceMAX DeepSeek-R1
  /// TTFT p50 under SGLang, whose eager prefill of about 1K tokens is
  /// host-bound. vLLM 0.6 runs the same PyTorch-and-Triton stack and takes
  /// the same figure (u) until a suite measures it. Refitted (60 to 52 us; 46,
  /// 50, 52, 55, 60 tried) once SGLang's fused shared expert took five
  /// kernels out of each MoE layer and its overlap loop made arrivals wait a
  /// batch (`Simulator.defersArrivals`); refitted again (52 to 31 us; 28, 31,
  /// 34 tried, median |error| of the calibration part 13.5, 13.5, 13.7%)
  /// when kernels came to be issued one by one (`hostKeepsAhead` false).
  public static let pythonHostKernelUs = 31.0
  /// The same for vLLM's V1 engine (0.8 and later), which compiles the model
  /// (torch.compile, CompilationConfig level 3 by default): batches outside
  /// its CUDA graphs run the Inductor-generated code, whose Python wrapper
  /// launches fewer, fused kernels with little dispatch each. An estimate
  /// (u) until a suite measures vLLM.
  public static let compiledHostKernelUs = 15.0

  /// SGLang's fused-MoE share (`fusedMoEComputeShare`): its Triton kernel
  /// (`sglang_fused_moe_triton` in AIConfigurator 0.4.0's H200 database,
  /// SGLang 0.5.1.post1, fp8 block-scaled and bf16; DeepSeek-V3, Qwen3-235B
  /// and Mixtral shapes, 1 to 8,192 tokens, tensor 1 to 8, routing skewed
  /// by its power law 1.01) against servesim's expert GEMMs and top-k
  /// combine: shares 1, 0.8, 0.67, 0.57, 0.5 gave a median |error| of 20.1,
  /// 17.9, 19.0, 22.5, 22.1% on the fitted half of the rows (held out
  /// 19.5, 18.3, 19.4, 20.3, 19.5%); at 4,096 and 8,192 tokens the kernel
  /// takes 1.4 to 1.5 times servesim's time at a share of 1.
  public static let sglangFusedMoEComputeShare = 0.8
  /// SGLang's attention on ROCm (MI300X, MI325X, MI355X) against the
  /// device's figure (`attentionComputeShare`). SGLang 0.5.9 picks the
  /// aiter backend for DeepSeek's 16 heads a rank
  /// (`ServerArgs._handle_attention_backend_compatibility`, srt/
  /// server_args.py: MLA on HIP with 16 or 128 heads), whose prefill without
  /// cached context runs aiter's `flash_attn_varlen_func` as multi-head
  /// attention of query/key width 192 and value width 128 (`handle_attention_
  /// aiter`, srt/models/deepseek_common/attention_backend_handler.py;
  /// `AiterAttnBackend.forward_extend`, srt/layers/attention/
  /// aiter_backend.py), and decode aiter's MLA kernel. No ROCm attention
  /// kernel is measured here: fitted on the calibration part of `servesim
  /// validate`'s InferenceMAX SGLang rows on those GPUs, whose TTFT for 8K
  /// prompts was 29-38% short while 1K prompts fitted (the gap grows with
  /// the square of the prompt): shares 1, 0.6, 0.3, 0.2, 0.14 and 0.1 of
  /// the device's 0.5 gave a median |error| of 17.6, 17.3, 15.1, 14.7, 15.3
  /// and 17.4% there (held out 17.9, 17.5, 16.5, 15.7, 15.7, 16.5%):
  /// about a tenth of the bf16 peak, 131 TFLOPS on an MI300X (u) until a
  /// ROCm attention kernel is measured. A fused-MoE row cost in its place
  /// (`fusedMoERowPs`, 2 to 10 ps tried) did no better than 17.0%: it grows
  /// with the prompt, not its square, and overshoots the 1K prompts.
  public static let sglangROCmAttentionShare = 0.2
  /// The fused-MoE row cost of FlashInfer's TensorRT-LLM MoE
  /// (`fusedMoERowPs`), which SGLang runs on sm100 (`SGLangBlackwellPaths.
  /// runsFlashInferMoE`): TensorRT-LLM 1.0's fused MoE on a B200 in
  /// AIConfigurator (the same kernels), DeepSeek-V3 shapes at 8,192 tokens:
  /// C = 1.62 ms for 65,536 rows of 7,168 (nvfp4, 3.4 ps), 1.40 ms (fp8 per
  /// tensor, 3.0 ps). The block-scaled fp8 variant is not measured on B200
  /// and takes the nvfp4 figure (u). On the InferenceMAX SGLang rows on
  /// B200, B300, GB200 and GB300 (calibration part) 0, 2, 3, 4 and 5 ps gave
  /// 13.9, 13.6, 13.0, 12.7 and 12.8% (held out 12.1, 11.7, 11.4, 11.1,
  /// 11.2%); at the measured 3.4 ps, 12.9% (held out 11.5%): the measured
  /// figure, not a fit.
  public static let flashInferMoERowPs = 3.4
  /// TensorRT-LLM 1.0's share: its PyTorch backend's fused MoE
  /// (`moe_torch_flow`, TensorRT-LLM 1.0.0rc3 on H100 and H200: fp8
  /// block-scaled, fp8 per-tensor and bf16; tensor or expert parallel up to
  /// 8), fitted as SGLang's: shares 1, 0.67, 0.57, 0.5, 0.4 gave 28.6,
  /// 22.8, 21.7, 20.5, 22.6% (held out 28.7, 23.9, 22.1, 21.8, 22.2%).
  public static let trtllmFusedMoEComputeShare = 0.5

  /// The compile of one fused-MoE kernel variant on a cold SGLang server
  /// (`coldStartMs`, `FusedMoECompiles`), fitted on the calibration part of
  /// the InferenceMAX DeepSeek-R1 runs on H200 (TTFT mean, p90 and p99),
  /// refitted once the compiled variants counted the fused shared expert's
  /// top-k 9 (`FusedMoECompiles`, `SharedExpertFusion`): 400, 480, 570, 620,
  /// 650, 700 and 750 ms tried, 650 best (median |error| of those figures on
  /// the calibration part 14.9%, held out 20.5%; with top-k 8, 570 ms gave
  /// 14.4% and 20.1%). Their TTFT p90 sits near 0.8 s at every concurrency,
  /// above the tenth of requests the first wave is. Once keys that share a
  /// tuned config shared their kernels (`FusedMoEConfigTable`), 250, 400,
  /// 500 and 650 ms gave 21.1, 21.9, 24.2 and 30.9% on those figures (held
  /// out 29.6, 28.3, 27.4, 31.0%), but below 650 the p90 of the 2026 runs
  /// falls apart (15.6 to 53.4% at 250) and the InferenceMAX TTFT gets
  /// worse (held out 22.5 to 22.9%): 650 kept. vLLM compiles and captures
  /// its graphs before serving (0).
  public static let sglangColdStartMs = 650.0
  /// The same on ROCm (MI300X, MI325X, MI355X), where Triton compiles
  /// through LLVM's AMDGPU back end: fitted on the calibration part of the
  /// InferenceMAX SGLang rows on those GPUs (TTFT; 570, 1,000, 1,500, 2,000
  /// and 3,000 ms tried, 1,500 best: median |error| 43.1% to 38.0%, held out
  /// 43.8% to 39.6%).
  public static let sglangROCmColdStartMs = 1500.0
  /// The same for TensorRT-LLM 1.0's PyTorch backend, fitted on the same
  /// runs' TTFT p99. Its TensorRT engines (before 1.0) are built ahead (0).
  public static let trtllmColdStartMs = 1750.0
  /// A cold SGLang server's wait on sm100 the first time a prefill attends a
  /// chunked prefix (`Simulator.coldStartSeconds`): the InferenceMAX B200
  /// runs measured from a cold server whose first wave of prompts exceeded
  /// the 16,384-token chunk show a TTFT p99 67-75 s above their p50 at 1K
  /// prompts, and none below it. The fit on the calibration part (TTFT mean,
  /// p90 and p99 of the B200 SGLang rows; 65, 70 and 75 s tried: 20.1,
  /// 20.0, 19.9%, held out 23.7% each) is flat; 70 s.
  public static let sglangBlackwellPrefixLoadMs = 70000.0
  /// The same for TensorRT-LLM's PyTorch backend (1.0), whose model code
  /// calls fewer, fused custom ops per modelled kernel: fitted on the
  /// calibration part of the InferenceMAX TensorRT-LLM rows (TTFT p50);
  /// refitted (45 to 34 us) when kernels came to be issued one by one
  /// (`hostKeepsAhead` false). The calibration part's TensorRT-LLM figures
  /// alone would take more: median |error| 13.6, 13.3, 13.1, 12.9, 12.5% at
  /// 29, 34, 40, 50 and 68 us, the B200 rows (whose 1K TTFT is 40-50 ms
  /// above the H200's, a host difference the dataset does not record)
  /// pulling it up, but from 50 us the H200 rows' TTFT p50 comes out 22%
  /// high (+1% at 34 us); 34 us keeps both GPUs' rows within the spread.
  public static let trtllmHostKernelUs = 34.0

  /// The scheduler settings `engine` picks for a plan that sets none: the
  /// profile's, and for SGLang a max_running_requests derived from the KV
  /// pool as its TpModelWorker does: min(pool tokens / 2, request slots), the
  /// slots being pool tokens / context length × 512, clamped to 2048...4096.
  ///
  /// vLLM before 0.8 (V0) chunks prefills by default only for models whose
  /// context exceeds 32K tokens (0.6.6.post1 EngineArgs.create_engine_config,
  /// vllm/engine/arg_utils.py), with a budget of 2048 tokens; unchunked, the
  /// budget is max(max_model_len, 2048) (SchedulerConfig.__post_init__,
  /// vllm/config.py).
  public static func defaultScheduler(
    _ engine: EngineKind, version: EngineVersion? = nil, model: ModelSpec, device: DeviceSpec,
    parallelism: Parallelism, precision: Precision
  ) -> SchedulerConfig {
    let release = EngineRelease(engine, version)
    var scheduler = of(engine, version: version, device: device, parallelism: parallelism).scheduler
    if engine == .vllm && release.version < EngineVersion(0, 8) {
      scheduler.chunkedPrefill = model.maxContext > 32768
      scheduler.maxNumBatchedTokens = scheduler.chunkedPrefill ? 2048 : max(model.maxContext, 2048)
    }
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
