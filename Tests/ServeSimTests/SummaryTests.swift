import Testing

@testable import ServeSim

@Suite struct SummaryTests {
  /// Two requests whose metrics are easy to check by hand.
  /// Two requests on the fixture plan under `slo`: a arrives at 0, first
  /// token at 0.1 s, done at 0.5 s (5 tokens); b arrives at 0.2 s, first
  /// token at 0.25 s, done at 0.45 s (3 tokens); the device busy 0.25 s.
  static func tiny(_ slo: ServiceLevel, itl: WeightedSamples = WeightedSamples()) -> SimulationResult {
    var plan = Fixtures.plan()
    plan.slo = slo
    var a = RequestRecord(arrival: 0, inputTokens: 10, outputTokens: 5)
    a.firstScheduled = 0.02
    a.firstToken = 0.1
    a.completion = 0.5
    a.status = .finished
    var b = RequestRecord(arrival: 0.2, inputTokens: 30, outputTokens: 3)
    b.firstScheduled = 0.2
    b.firstToken = 0.25
    b.completion = 0.45
    b.status = .finished
    let memory = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
      precision: plan.precision, scheduler: plan.scheduler)
    return SimulationResult(
      plan: plan, memory: memory, requests: [a, b], iterations: [], itl: itl, totalFlops: 1e12,
      busyDeviceSeconds: 0.25, kvUseSeconds: 0, inFlightSeconds: 0.25, warnings: [])
  }

  @Test func metricDefinitionsOnATinyCase() throws {
    var itl = WeightedSamples()
    itl.add(0.1, weight: 4)
    itl.add(0.1, weight: 2)
    let s = Summary(Self.tiny(ServiceLevel(ttftMs: 80, tpotMs: 150, percentile: 90), itl: itl))
    #expect(s.completed == 2)
    #expect(s.durationS == 0.5)
    #expect(s.reqPerS == 4)
    #expect(s.inputTokPerS == 80)
    #expect(s.outputTokPerS == 16)
    // TTFT 100 and 50 ms; TPOT 0.4/4 and 0.2/2 s = 100 ms each; E2E 500 and 250 ms.
    #expect(abs(s.ttft.mean - 75) < 1e-9)
    #expect(abs(s.ttft.p90 - 95) < 1e-9)
    #expect(abs(s.tpot.p50 - 100) < 1e-9)
    #expect(abs(s.e2e.p99 - 497.5) < 1e-9)
    #expect(abs(s.queue.mean - 10) < 1e-9)
    // Only b meets TTFT 80 ms (and both meet TPOT 150 ms).
    #expect(s.sloAttainment == 0.5)
    #expect(s.goodputReqPerS == 2)
    // MFU: 1e12 FLOPs / (100e12 · 1 device · 0.5 s).
    #expect(abs(s.mfu - 0.02) < 1e-12)
    // Energy: idle 100 W · 0.5 s + (500 − 100) W · 0.25 s = 150 J over 8 tokens.
    #expect(abs(s.energyJPerOutputTok - 150.0 / 8) < 1e-9)
    // $2/h · 0.5 s / 8 tokens · 1e6.
    #expect(abs(s.usdPerMOutputTok - 2.0 * 0.5 / 3600 / 8 * 1e6) < 1e-9)
  }

  /// The SLO's headroom tightens the targets a request must meet: TTFT 100
  /// and 50 ms against a 120 ms target both meet it; with a quarter kept
  /// free (90 ms) only the second does.
  @Test func headroomTightensAttainment() throws {
    func attainment(_ slo: ServiceLevel) -> Double { Summary(Self.tiny(slo)).sloAttainment }
    #expect(attainment(ServiceLevel(ttftMs: 120, tpotMs: 150, percentile: 90)) == 1)
    #expect(attainment(ServiceLevel(ttftMs: 120, tpotMs: 150, percentile: 90, headroom: 0.25)) == 0.5)
  }

  @Test func oneTokenOutputsHaveNoTPOT() {
    var r = RequestRecord(arrival: 0, inputTokens: 10, outputTokens: 1)
    r.firstToken = 0.1
    r.completion = 0.1
    #expect(r.tpot == nil)
    #expect(r.ttft == 0.1)
  }
}
