import Testing

@testable import ServeSim

/// Engine defaults by device, as the engines' own code picks them (vLLM
/// 0.8.5 EngineArgs._set_default_args_v1, SGLang 0.4.9 ServerArgs).
@Suite struct EngineProfileTests {
  let v049 = EngineVersion(0, 4, 9)

  func device(_ gb: Double) -> DeviceSpec {
    var d = Fixtures.device
    d.memoryGB = gb
    return d
  }

  @Test func vllmDefaultsFollowDeviceMemory() {
    // 80 GB is 74.5 GiB (at least 70): the large defaults; 40 GB is not.
    let h100 = EngineProfile.of(.vllm, device: device(80))
    #expect(h100.scheduler.maxNumSeqs == 1024 && h100.scheduler.maxNumBatchedTokens == 8192)
    let a100 = EngineProfile.of(.vllm, device: device(40))
    #expect(a100.scheduler.maxNumSeqs == 256 && a100.scheduler.maxNumBatchedTokens == 2048)
  }

  @Test func sglangMemoryShareChunkAndGraphsFollowDeviceAndParallelism() {
    // SGLang 0.4.9 (0.5.5: EngineReleaseTests).
    // 80 GB = 76,294 MiB: reserved (9.5 + 1/2) GiB at TP1, (9.5 + 8/2) at TP8.
    let tp1 = EngineProfile.of(.sglang, version: v049, device: device(80))
    #expect(tp1.scheduler.memoryUtilization == 0.866)
    let tp8 = EngineProfile.of(
      .sglang, version: v049, device: device(80), parallelism: Parallelism(tensor: 8))
    #expect(tp8.scheduler.memoryUtilization == 0.819)
    #expect(tp1.scheduler.maxNumBatchedTokens == 8192 && tp1.graphMaxBatch == 160)
    let h200 = EngineProfile.of(.sglang, version: v049, device: device(141))
    #expect(h200.graphMaxBatch == 256 && h200.scheduler.maxNumBatchedTokens == 8192)
    let small = EngineProfile.of(.sglang, version: v049, device: device(24))
    #expect(small.scheduler.maxNumBatchedTokens == 2048 && small.graphMaxBatch == 8)
    let big = EngineProfile.of(.sglang, version: v049, device: device(192))
    #expect(big.scheduler.maxNumBatchedTokens == 16384 && big.graphMaxBatch == 512)
  }

  @Test func sglangRunningRequestsComeFromTheKVPool() {
    let d = device(80)
    let scheduler = EngineProfile.defaultScheduler(
      .sglang, model: Fixtures.model, device: d, parallelism: Parallelism(), precision: Precision())
    let memory = MemoryPlan(
      model: Fixtures.model, device: d, parallelism: Parallelism(), precision: Precision(),
      scheduler: scheduler, engine: .sglang)
    let slots = min(max(Int(Double(memory.kvTokens) / 8192 * 512), 2048), 4096)
    #expect(scheduler.maxNumSeqs == min(memory.kvTokens / 2, slots))
    #expect(scheduler.maxNumSeqs >= 2048 && scheduler.maxNumSeqs <= 4096)
    // Other engines keep their profile's value.
    let vllm = EngineProfile.defaultScheduler(
      .vllm, model: Fixtures.model, device: d, parallelism: Parallelism(), precision: Precision())
    #expect(vllm.maxNumSeqs == 1024)
  }
}
