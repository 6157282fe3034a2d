import Testing

@testable import ServeSim

/// SGLang's overlap loop forms each batch one batch ahead
/// (`Scheduler.event_loop_overlap`), and so does vLLM 0.14's async
/// scheduling (`EngineCore.step_with_batch_queue`): a request reaching a
/// busy scheduler joins the batch after the next one.
@Suite struct OverlapArrivalTests {
  static func run(_ engine: EngineKind, _ policy: SchedulingPolicy, version: EngineVersion? = nil) throws
    -> SimulationResult
  {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(
        .closed(concurrency: 2, thinkTime: 0), requests: 40, input: .fixed(200),
        output: .uniform(min: 10, max: 60)),
      policy: policy, engine: engine)
    plan.engineVersion = version
    return try Fixtures.run(plan)
  }

  /// For each request that reached the engine during an iteration: the
  /// iterations that started before its first one (after it arrived).
  static func waits(_ result: SimulationResult, overheadMs: Double) -> [Int] {
    let starts = result.iterations.map(\.start).sorted()
    var waits = [Int]()
    for r in result.requests where r.firstScheduled >= 0 {
      let reached = r.arrival + overheadMs * 1e-3
      guard
        let running = result.iterations.first(where: {
          $0.start < reached && reached < $0.start + $0.duration
        })
      else { continue }
      let end = running.start + running.duration
      waits.append(starts.filter { $0 >= end - 1e-12 && $0 < r.firstScheduled - 1e-12 }.count)
    }
    return waits
  }

  /// With `--scheduler-recv-interval N` a busy decode loop takes new
  /// requests every N steps (`SchedulerRecvSkipper`): a request waits up to
  /// N + 1 batches (the overlap's one more), and the pass after a prefill
  /// receives at once.
  @Test func aReceiveIntervalHoldsArrivalsForUpToThatManyDecodeSteps() throws {
    func run(_ interval: Int) throws -> SimulationResult {
      var plan = Fixtures.plan(
        workload: Fixtures.workload(
          .closed(concurrency: 4, thinkTime: 0), requests: 80, input: .fixed(200),
          output: .uniform(min: 40, max: 120)),
        policy: .sglang, engine: .sglang)
      plan.schedulerRecvInterval = interval
      return try Fixtures.run(plan)
    }
    let overhead = EngineProfile.of(.sglang).requestOverheadMs
    let every = Self.waits(try run(1), overheadMs: overhead)
    let skipped = Self.waits(try run(8), overheadMs: overhead)
    #expect(every.allSatisfy { $0 <= 1 })
    #expect(!skipped.isEmpty && skipped.allSatisfy { $0 <= 9 })
    #expect(skipped.contains { $0 >= 4 })
    let mean = { (w: [Int]) in Double(w.reduce(0, +)) / Double(max(w.count, 1)) }
    #expect(mean(skipped) > mean(every) + 1.5)
    // Held requests are received, not lost.
    #expect(try run(8).requests.allSatisfy { $0.status == .finished })
  }

  @Test func sglangArrivalsWaitOneBatchMore() throws {
    let sglang = try Self.run(.sglang, .sglang)
    let waits = Self.waits(sglang, overheadMs: EngineProfile.of(.sglang).requestOverheadMs)
    // One batch more, or none when the scheduler had nothing else to run.
    #expect(waits.contains(1))
    #expect(waits.allSatisfy { $0 <= 1 })
    // vLLM before 0.14 (no async scheduling) forms the next batch with
    // every request that has arrived.
    let vllm = try Self.run(.vllm, .vllm, version: EngineVersion(0, 11))
    let direct = Self.waits(vllm, overheadMs: EngineProfile.of(.vllm).requestOverheadMs)
    #expect(!direct.isEmpty)
    #expect(direct.allSatisfy { $0 == 0 })
    // vLLM 0.14 (the newest) had scheduled the next step already.
    let async = Self.waits(try Self.run(.vllm, .vllm), overheadMs: EngineProfile.of(.vllm).requestOverheadMs)
    #expect(async.contains(1) && async.allSatisfy { $0 <= 1 })
  }
}
