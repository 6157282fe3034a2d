import Testing

@testable import ServeSim

/// Engine time outside kernels.
struct EngineOverheadTests {
  @Test func aRequestReachesTheSchedulerAfterTheAPIServer() throws {
    let plan = Fixtures.plan(workload: Fixtures.workload(.offline, requests: 1))
    let overhead = EngineProfile.of(plan.engine).requestOverheadMs * 1e-3
    #expect(overhead > 0)
    let result = try Fixtures.run(plan)
    let first = try #require(result.iterations.first)
    // The client sent it at 0; the engine saw it only after the API server's time…
    #expect(first.start == overhead)
    let request = try #require(result.requests.first)
    #expect(request.arrival == 0)
    // …and that time is part of its TTFT.
    #expect(abs((request.ttft ?? 0) - (overhead + first.duration)) < 1e-12)
  }
}
