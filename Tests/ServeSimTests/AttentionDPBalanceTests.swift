import Testing

@testable import ServeSim

/// TensorRT-LLM under attention data parallelism: new requests to the least
/// loaded rank, and context requests held until every rank has one or the
/// wait times out (`AttentionDPBalancer`).
@Suite struct AttentionDPBalanceTests {
  @Test func theBalancerHoldsUntilEveryRankHasAContextOrTimesOut() {
    var b = AttentionDPBalancer(AttentionDPBalance(timeoutIterations: 3, batchingWaitIterations: 0))
    // Not every rank has a context: held twice, released at the third step.
    let lone = (0..<4).map { _ in
      b.releases(allHaveContext: false, allHaveGeneration: true, allHaveRoom: true)
    }
    #expect(lone == [false, false, true, false])
    // Every rank has one: released at once, the wait count reset.
    let all = b.releases(allHaveContext: true, allHaveGeneration: true, allHaveRoom: true)
    #expect(all && b.waited == 0)
    // A rank without generation requests (nothing to overlap): released.
    let idle = b.releases(allHaveContext: false, allHaveGeneration: false, allHaveRoom: true)
    #expect(idle)
    // A full rank (no room) counts as not ready.
    let full = b.releases(allHaveContext: true, allHaveGeneration: true, allHaveRoom: false)
    #expect(!full)
    // batching_wait_iters 2: every rank has a context, and decodes: two more steps.
    var w = AttentionDPBalancer(AttentionDPBalance(timeoutIterations: 50, batchingWaitIterations: 2))
    let batching = (0..<3).map { _ in
      w.releases(allHaveContext: true, allHaveGeneration: true, allHaveRoom: true)
    }
    #expect(batching == [false, false, true])
  }

  func plan(_ trace: TraceRecords, balance: AttentionDPBalance?) -> PlanSpec {
    var p = AttentionDataTests().plan(
      workload: WorkloadSpec(
        name: "t", arrival: .trace, requests: nil, durationS: nil, inputTokens: .fixed(1),
        outputTokens: .fixed(1), trace: trace))
    p.engine = .trtllm
    p.attentionDPBalance = balance
    return p
  }

  @Test func trtllmRoutesToTheLeastLoadedRank() throws {
    // Request 2 arrives when request 1 (rank 1) is done and request 0 (rank
    // 0) still decodes: TensorRT-LLM gives it to rank 1, round robin to rank 0.
    let trace = TraceRecords(arrivals: [0, 0, 5], inputTokens: [100, 100, 100], outputTokens: [500, 1, 1])
    let result = try Fixtures.run(plan(trace, balance: nil))
    #expect(result.requests[1].completion < 5 && result.requests[0].completion > 5)
    #expect(result.requests.map(\.scheduler) == [0, 1, 1])
  }

  @Test func aLoneContextWaitsAndContextsOnEveryRankDoNot() throws {
    // Two long decodes, one per rank; then one or two new requests.
    let base = try Fixtures.run(
      plan(TraceRecords(arrivals: [0, 0], inputTokens: [100, 100], outputTokens: [400, 400]), balance: nil))
    let r0 = base.requests[0]
    let step = (r0.completion - r0.firstToken) / 399
    let at = (r0.firstToken + r0.completion) / 2
    func wait(_ arrivals: [Double], _ balance: AttentionDPBalance?) throws -> Double {
      let n = arrivals.count
      let trace = TraceRecords(
        arrivals: arrivals, inputTokens: [Int32](repeating: 100, count: n),
        outputTokens: [400, 400] + [Int32](repeating: 4, count: n - 2))
      let r = try Fixtures.run(plan(trace, balance: balance)).requests[2]
      return r.firstScheduled - r.arrival
    }
    let balance = AttentionDPBalance(timeoutIterations: 1000, batchingWaitIterations: 0)
    // Without balancing the new request joins the next step.
    #expect(try wait([0, 0, at], nil) < 1.5 * step)
    // Alone (rank 0 only), it waits for the timeout: the decodes end first.
    #expect(try wait([0, 0, at], balance) > 100 * step)
    // With a context on each rank, they run at once.
    #expect(try wait([0, 0, at, at], balance) < 1.5 * step)
  }
}
