import Testing

@testable import ServeSim

/// Engine versions: parsing, the modelled release a version maps to, and
/// each release's defaults as its code picks them.
@Suite struct EngineReleaseTests {
  func device(_ gb: Double, name: String = "round") -> DeviceSpec {
    var d = Fixtures.device
    d.memoryGB = gb
    d.name = name
    return d
  }

  @Test func versionsParseAsEnginesWriteThem() {
    #expect(EngineVersion("0.6.6.post1") == EngineVersion(0, 6, 6))
    #expect(EngineVersion("v0.5.2") == EngineVersion(0, 5, 2))
    #expect(EngineVersion("1.1.0rc2") == EngineVersion(1, 1, 0))
    #expect(EngineVersion("0.12") == EngineVersion(0, 12))
    #expect(EngineVersion("latest") == nil && EngineVersion("1") == nil)
    #expect(EngineVersion.first(in: "lmsysorg/sglang:v0.5.9-cu130") == EngineVersion(0, 5, 9))
    #expect(
      EngineVersion.first(in: "nvcr.io/nvidia/tensorrt-llm/release:1.2.0rc6.post2") == EngineVersion(1, 2, 0))
    #expect(EngineVersion(0, 9) < EngineVersion(0, 10) && EngineVersion(0, 11).description == "0.11")
  }

  @Test func aVersionMapsToTheNewestModelledNotNewer() {
    #expect(EngineRelease(.vllm).version == EngineVersion(0, 14))
    #expect(EngineRelease(.vllm, EngineVersion(0, 9)).version == EngineVersion(0, 8))
    #expect(EngineRelease(.vllm, EngineVersion(0, 7, 3)).version == EngineVersion(0, 6))
    #expect(EngineRelease(.vllm, EngineVersion(0, 15)).version == EngineVersion(0, 14))
    #expect(EngineRelease(.vllm, EngineVersion(0, 13)).version == EngineVersion(0, 11))
    #expect(EngineRelease(.sglang, EngineVersion(0, 5, 12)).version == EngineVersion(0, 5))
    #expect(EngineRelease(.trtllm, EngineVersion(1, 2)).version == EngineVersion(1, 0))
    #expect(EngineRelease.resolve(.vllm, EngineVersion(0, 5, 4)) == nil)
    #expect(EngineRelease.resolve(.trtllm, EngineVersion(0, 14)) == nil)
    #expect(EngineRelease(.trtllm, EngineVersion(0, 14)).version == EngineVersion(0, 19))
  }

  /// vLLM 0.6.6.post1 (V0): 256 sequences, prefix caching off, chunked
  /// prefill only past 32K tokens of context, decode-only CUDA graphs.
  @Test func vllm06IsTheV0Engine() {
    let v06 = EngineProfile.of(.vllm, version: EngineVersion(0, 6), device: device(80))
    #expect(v06.scheduler.maxNumSeqs == 256 && !v06.scheduler.prefixCaching)
    #expect(!v06.graphsForMixedBatches && v06.graphMaxBatch == 256)
    let v08 = EngineProfile.of(.vllm, version: EngineVersion(0, 8), device: device(80))
    #expect(v08.scheduler.maxNumSeqs == 1024 && v08.scheduler.prefixCaching && v08.graphsForMixedBatches)
    let short = EngineProfile.defaultScheduler(
      .vllm, version: EngineVersion(0, 6), model: Fixtures.model, device: device(80),
      parallelism: Parallelism(), precision: Precision())
    #expect(!short.chunkedPrefill && short.maxNumBatchedTokens == 8192 && short.policy == .vllm)
    var long = Fixtures.model
    long.maxContext = 131_072
    let chunked = EngineProfile.defaultScheduler(
      .vllm, version: EngineVersion(0, 6), model: long, device: device(80), parallelism: Parallelism(),
      precision: Precision())
    #expect(chunked.chunkedPrefill && chunked.maxNumBatchedTokens == 2048)
    // V1 (0.8) chunks whatever the context.
    let v1 = EngineProfile.defaultScheduler(
      .vllm, version: EngineVersion(0, 8), model: Fixtures.model, device: device(80),
      parallelism: Parallelism(), precision: Precision())
    #expect(v1.chunkedPrefill && v1.maxNumBatchedTokens == 8192)
  }

  /// TensorRT-LLM before 1.0 runs a TensorRT engine from the C++ executor
  /// (no Python issue time, no CUDA graphs unless asked, scheduling between
  /// steps); 1.0's PyTorch backend issues from Python, graphs decode and
  /// overlaps scheduling. Both fuse fp8 activation quantisation.
  @Test func trtllmBeforeOneRunsTheCppEngineFlow() {
    let old = EngineProfile.of(.trtllm, version: EngineVersion(0, 19))
    #expect(!old.graphsForDecode && old.hostKernelUs == 0 && !old.overlapsScheduling)
    let new = EngineProfile.of(.trtllm, version: EngineVersion(1, 0))
    #expect(new.graphsForDecode && new.hostKernelUs > 0 && new.overlapsScheduling)
    #expect(old.fusesActivationQuantisation && new.fusesActivationQuantisation)
    // SGLang overlaps in both modelled versions; vLLM V1 does not before
    // 0.14 (async scheduling off by default through 0.13).
    #expect(EngineProfile.of(.sglang, version: EngineVersion(0, 4)).overlapsScheduling)
    let v011 = EngineProfile.of(.vllm, version: EngineVersion(0, 11))
    #expect(!v011.overlapsScheduling && v011.hostKernelUs > 0)
  }

  /// vLLM 0.14.0 schedules the next step while the device runs the current
  /// one (async scheduling on by default), except with more than one
  /// pipeline stage or a draft model (`VllmConfig.__post_init__`); its other
  /// defaults are 0.11's.
  @Test func vllm014SchedulesAsynchronously() {
    let v014 = EngineProfile.of(.vllm, version: EngineVersion(0, 14), device: device(80))
    let v011 = EngineProfile.of(.vllm, version: EngineVersion(0, 11), device: device(80))
    #expect(v014.overlapsScheduling && !v011.overlapsScheduling)
    #expect(EngineProfile.of(.vllm).overlapsScheduling)
    #expect(v014.scheduler == v011.scheduler && v014.graphMaxBatch == v011.graphMaxBatch)
    var pipelined = Parallelism()
    pipelined.pipeline = 2
    #expect(
      !EngineProfile.of(.vllm, version: EngineVersion(0, 14), device: device(80), parallelism: pipelined)
        .overlapsScheduling)
    let draft = SpeculativeDecoding(method: .draft, tokens: 3, acceptance: [0.7], draftModel: nil)
    let mtp = SpeculativeDecoding(method: .mtp, tokens: 1, acceptance: [0.8])
    #expect(!v014.speculating(draft).overlapsScheduling && v014.speculating(mtp).overlapsScheduling)
  }

  /// vLLM 0.11.0 gives an 80 GB A100 the small defaults; 0.8.5 does not.
  @Test func vllm011TreatsAnA100AsSmall() {
    let a100 = device(80, name: "NVIDIA A100 SXM4 80GB")
    let v011 = EngineProfile.of(.vllm, version: EngineVersion(0, 11), device: a100)
    #expect(v011.scheduler.maxNumSeqs == 256 && v011.scheduler.maxNumBatchedTokens == 2048)
    #expect(v011.graphMaxBatch == 512)
    let v08 = EngineProfile.of(.vllm, version: EngineVersion(0, 8), device: a100)
    #expect(v08.scheduler.maxNumSeqs == 1024 && v08.scheduler.maxNumBatchedTokens == 8192)
    let h100 = EngineProfile.of(.vllm, version: EngineVersion(0, 11), device: device(80))
    #expect(h100.scheduler.maxNumSeqs == 1024)
  }

  /// SGLang 0.5.5 `_handle_gpu_memory_settings`: the reserve grows with the
  /// chunk and the graph batch, at least 10 GiB above 60 GiB.
  @Test func sglang05ReservesByChunkAndGraphs() {
    // 80 GB = 76,294 MiB: reserved 512 + 1.5 × 8192 + 2 × 256 + 1024/8 =
    // 13,440 MiB at TP1; with 512 graphs and 8/8 × 1024 at TP8: 14,848.
    let tp1 = EngineProfile.of(.sglang, version: EngineVersion(0, 5), device: device(80))
    #expect(tp1.scheduler.memoryUtilization == 0.824)
    #expect(tp1.graphMaxBatch == 256 && tp1.scheduler.maxNumBatchedTokens == 8192)
    let tp8 = EngineProfile.of(
      .sglang, version: EngineVersion(0, 5), device: device(80), parallelism: Parallelism(tensor: 8))
    #expect(tp8.scheduler.memoryUtilization == 0.805 && tp8.graphMaxBatch == 512)
    // 48 GB (45,776 MiB): chunk 4096, graphs 32; 0.4.9 gave 8192 and 160.
    let mid = EngineProfile.of(.sglang, version: EngineVersion(0, 5), device: device(48))
    #expect(mid.scheduler.maxNumBatchedTokens == 4096 && mid.graphMaxBatch == 32)
    let old = EngineProfile.of(.sglang, version: EngineVersion(0, 4), device: device(48))
    #expect(old.scheduler.maxNumBatchedTokens == 8192 && old.graphMaxBatch == 160)
    // The default is the newest.
    #expect(EngineProfile.of(.sglang, device: device(80)) == tp1)
  }

  @Test func theReplayTakesTheSourcesVersion() {
    func experiment(_ engine: EngineKind, _ version: String) -> ValidationExperiment {
      ValidationExperiment(
        suite: "s", id: "x", model: "m", gpu: "H100", engine: engine, engineVersion: version,
        precision: Precision(), parallelism: Parallelism(), inputTokens: .fixed(10), outputTokens: .fixed(10),
        arrival: .offline, requests: 1, measured: [])
    }
    #expect(
      ValidationReplay.release(of: experiment(.sglang, "lmsysorg/sglang:v0.4.9.post2")).version
        == EngineVersion(0, 4))
    #expect(
      ValidationReplay.release(of: experiment(.sglang, "lmsysorg/sglang:v0.5.9-cu130")).version
        == EngineVersion(0, 5))
    #expect(ValidationReplay.release(of: experiment(.trtllm, "0.14.0")).version == EngineVersion(0, 19))
    #expect(
      ValidationReplay.release(of: experiment(.trtllm, "~1.1 (exact release not stated)")).version
        == EngineVersion(1, 0))
    // Dynamo's image number is not TensorRT-LLM's: the newest.
    let dynamo = experiment(.trtllm, "nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:0.8.1.post1")
    #expect(ValidationReplay.release(of: dynamo).version == EngineVersion(1, 0))
    let plan = ValidationReplay.plan(
      experiment(.sglang, "v0.4.9"), model: Fixtures.model, cluster: Fixtures.cluster())
    #expect(plan.engineVersion == EngineVersion(0, 4))
  }
}
