import Testing

@testable import ServeSim

@Suite struct DisaggregationTests {
  func plan(link: LinkSpec = Fixtures.link) -> PlanSpec {
    var p = Fixtures.plan(
      workload: Fixtures.workload(.poisson(rate: 100), requests: 60, input: .fixed(400), output: .fixed(12)))
    p.disaggregation = Disaggregation(
      prefill: .init(replicas: 1, tensor: 2, cluster: Fixtures.cluster()),
      decode: .init(replicas: 2, tensor: 1, cluster: Fixtures.cluster()), transferLink: link)
    return p
  }

  @Test func prefillThenTransferThenDecode() throws {
    let result = try Fixtures.run(plan())
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // Every request ends on a decode replica (1 or 2; the prefill replica is 0).
    #expect(result.requests.allSatisfy { $0.replica >= 1 })
    #expect(Set(result.requests.map(\.replica)) == [1, 2])
    // Prefill iterations run no decodes; decode iterations no prefill.
    #expect(result.iterations.filter { $0.replica == 0 }.allSatisfy { $0.decodeTokens == 0 })
    #expect(result.iterations.filter { $0.replica > 0 }.allSatisfy { $0.prefillTokens == 0 })
    #expect(result.poolDevices == [2, 2])
  }

  @Test func decodeWaitsForTheKVTransfer() throws {
    // 400 tokens · 2 layers · K and V · 1 KV head per rank (2 heads / tensor 2)
    // · 128 · 2 B = 409,600 B per rank, over 0.01 GB/s plus 5 us: 41 ms.
    let slow = LinkSpec(kind: "ethernet", bandwidthGBps: 0.01, latencyUs: 5, efficiency: 1, topology: "x")
    let transfer = 5e-6 + 409_600 / 0.01e9
    let slowRun = try Fixtures.run(plan(link: slow))
    #expect(slowRun.requests.allSatisfy { $0.completion - $0.firstToken >= transfer })
    let fastRun = try Fixtures.run(plan())
    #expect(fastRun.requests.allSatisfy { $0.completion - $0.firstToken < transfer })
    let summary = Summary(slowRun)
    #expect(summary.prefillPoolUtilization != nil)
    #expect(summary.devices == 4)
  }

  @Test func poolsMustFitTheCluster() {
    var p = plan()
    p.disaggregation?.decode.replicas = 7
    #expect(p.validate().contains { $0.keyPath == "disaggregation" })
  }
}
