import Testing

@testable import ServeSim

/// The SGLang and TensorRT-LLM batch policies.
struct EnginePolicyTests {
  /// 20 requests of 100 + 200 tokens on a pool of exactly 50 blocks (800
  /// tokens), under `policy`.
  static func tightPlan(_ policy: SchedulingPolicy, arrival: ArrivalProcess = .offline) -> PlanSpec {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(arrival, requests: 20, input: .fixed(100), output: .fixed(200)),
      policy: policy)
    let full = MemoryPlan(plan: plan)
    plan.cluster.device.memoryGB =
      (full.weightBytes + full.activationBytes + 50.5 * full.blockBytes) / 0.9 / 1e9
    return plan
  }

  @Test func sglangRunsPrefillBatchesApartFromDecodes() throws {
    let workload = Fixtures.workload(.poisson(rate: 50), requests: 40, input: .fixed(300), output: .fixed(40))
    let sglang = try Fixtures.run(Fixtures.plan(workload: workload, policy: .sglang))
    #expect(sglang.requests.allSatisfy { $0.status == .finished })
    #expect(!sglang.iterations.contains { $0.prefillTokens > 0 && $0.decodeTokens > 0 })
    // vLLM mixes them under the same load.
    let vllm = try Fixtures.run(Fixtures.plan(workload: workload, policy: .vllm))
    #expect(vllm.iterations.contains { $0.prefillTokens > 0 && $0.decodeTokens > 0 })
  }

  @Test func sglangReservesRoomForTheOutputsStillToCome() throws {
    let sglang = try Fixtures.run(Self.tightPlan(.sglang))
    let vllm = try Fixtures.run(Self.tightPlan(.vllm))
    #expect(sglang.requests.allSatisfy { $0.status == .finished })
    // Admission keeps new_token_ratio (0.7) of the running requests' outputs
    // free, so fewer run at once than under vLLM, which admits while the
    // prompt fits and preempts later.
    #expect(sglang.peakRunning < vllm.peakRunning)
    // The first request admitted reserves its whole output: 100 + 200 tokens
    // of 800, so the second (which would need another 300 beside 0.7 × 200 of
    // the first's) is the last one admitted in the first batch.
    let firstBatch = sglang.iterations[0]
    #expect(firstBatch.batchSize == 2)
  }

  @Test func sglangRatioDecaysWhileDecodingAndResetsWhenIdle() throws {
    var simulator = try Simulator(plan: Self.tightPlan(.sglang))
    _ = try simulator.run()
    // The run ended idle: every scheduler is back at the initial ratio.
    #expect(simulator.schedulers.allSatisfy { $0.newTokenRatio == SGLangPolicy.initialRatio })
    #expect(SGLangPolicy.minimumRatio < SGLangPolicy.initialRatio)
    #expect(abs(SGLangPolicy.decay * 600 - (SGLangPolicy.initialRatio - SGLangPolicy.minimumRatio)) < 1e-12)
  }

  @Test func trtllmNeverEvictsWhereVLLMPreempts() throws {
    let trtllm = try Fixtures.run(Self.tightPlan(.trtllm))
    let vllm = try Fixtures.run(Self.tightPlan(.vllm))
    #expect(trtllm.requests.allSatisfy { $0.status == .finished && $0.preemptions == 0 })
    #expect(vllm.requests.contains { $0.preemptions > 0 })
    // Every admitted request holds room for its last token: 800 tokens of
    // pool run at most two requests of 300 tokens.
    #expect(trtllm.peakRunning == 2)
  }
}
