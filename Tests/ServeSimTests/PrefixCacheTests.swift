import Testing

@testable import ServeSim

@Suite struct PrefixCacheTests {
  func plan(groups: Int, caching: Bool = true, data: Int = 1, router: RouterKind = .roundRobin) -> PlanSpec {
    var w = Fixtures.workload(.poisson(rate: 50), requests: 120, input: .fixed(100), output: .fixed(8))
    w.sharedPrefix = (512, groups)
    var p = Fixtures.plan(workload: w, parallelism: Parallelism(data: data))
    p.scheduler.prefixCaching = caching
    p.router = router
    return p
  }

  func prefillTokens(_ r: SimulationResult) -> Int { r.iterations.reduce(0) { $0 + Int($1.prefillTokens) } }

  @Test func sharedSystemPromptIsComputedOnce() throws {
    let cached = try Fixtures.run(plan(groups: 1))
    let plain = try Fixtures.run(plan(groups: 1, caching: false))
    #expect(cached.requests.allSatisfy { $0.status == .finished })
    #expect(cached.requests.allSatisfy { $0.inputTokens == 612 })
    // Without caching every prompt is prefilled whole; with it the 512-token
    // prefix (32 full blocks) is computed about once.
    #expect(prefillTokens(plain) == 120 * 612)
    #expect(prefillTokens(cached) < 120 * 100 + 4 * 512)
    let hit = try #require(Summary(cached).prefixHitRate)
    #expect(hit > 0.8 && hit < 512.0 / 612.0 + 1e-9)
    #expect(Summary(plain).prefixHitRate == nil)
    // Later requests find all 512 tokens cached.
    #expect(cached.requests.last?.cachedTokens == 512)
  }

  @Test func evictsLeastRecentlyUsedUnderPressure() throws {
    // 20 groups of 32 blocks but room for about 300 blocks in all.
    var p = plan(groups: 20)
    let full = MemoryPlan(
      model: p.model, device: p.cluster.device, parallelism: p.parallelism, precision: p.precision,
      scheduler: p.scheduler)
    p.cluster.device.memoryGB =
      (full.weightBytes + full.activationBytes + 300.5 * full.blockBytes) / 0.9 / 1e9
    let result = try Fixtures.run(p)
    #expect(result.memory.blocks == 300)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    let hit = try #require(Summary(result).prefixHitRate)
    let roomy = try #require(Summary(try Fixtures.run(plan(groups: 20))).prefixHitRate)
    #expect(hit < roomy)
  }

  @Test func prefixAffinityKeepsGroupsTogether() throws {
    let affinity = try Fixtures.run(plan(groups: 4, data: 2, router: .prefixAffinity))
    let spread = try Fixtures.run(plan(groups: 4, data: 2, router: .roundRobin))
    let a = try #require(Summary(affinity).prefixHitRate)
    let b = try #require(Summary(spread).prefixHitRate)
    #expect(a > b)
  }
}
