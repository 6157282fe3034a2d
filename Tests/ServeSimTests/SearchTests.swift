import Testing

@testable import ServeSim

@Suite(.serialized) struct SearchTests {
  func space(
    objective: SearchObjective = .goodputPerDevice, seqs: [Int] = [4, 16], tokens: [Int] = [256, 1024]
  )
    -> SearchSpace
  {
    var model = Fixtures.model
    model.layers = 4
    var s = SearchSpace(
      name: "small", model: model,
      workload: Fixtures.workload(
        .poisson(rate: 1), requests: 100, input: .uniform(min: 50, max: 400),
        output: .uniform(min: 5, max: 40)),
      slo: ServiceLevel(ttftMs: 50, tpotMs: 5, percentile: 90), objective: objective,
      clusters: [SearchCluster(cluster: Fixtures.cluster(devices: 4), maxDevices: 4)])
    s.tensor = [1, 2, 4]
    s.pipeline = [1, 2]
    s.maxNumSeqs = seqs
    s.maxNumBatchedTokens = tokens
    s.requestsPerReplica = 60
    s.tolerance = 0.1
    return s
  }

  @Test func enumerationCountsByHand() {
    // 4 devices, tensor 1/2/4, pipeline 1/2: (t,p,d) with t·p·d ≤ 4:
    // t1p1: d 1-4 (4), t1p2: d 1-2 (2), t2p1: d 1-2 (2), t2p2: d 1 (1), t4p1: d 1 (1) = 10;
    // times 2 max_num_seqs and 2 token budgets = 40.
    let plans = PlanEnumerator.plans(space())
    #expect(plans.count == 40)
    #expect(Set(plans.map(\.name)).count == 40)
    var narrow = space(seqs: [8], tokens: [512])
    narrow.pipeline = [1]
    narrow.data = [1]
    #expect(PlanEnumerator.plans(narrow).count == 3)
  }

  @Test func capacitySearchFindsAPlantedThreshold() throws {
    let search = CapacitySearch(tolerance: 0.02)
    for threshold in [0.37, 3.7, 42.0] {
      var probes = 0
      let found = try search.highestPassing(upper: 100, guess: nil) {
        (rate: Double) throws(SimulationError) -> Bool in
        probes += 1
        return rate <= threshold
      }
      #expect(found <= threshold)
      #expect(found >= threshold * (1 - 0.021))
      #expect(probes < 20)
    }
    var cold = 0
    _ = try search.highestPassing(upper: 100, guess: nil) { (rate: Double) throws(SimulationError) -> Bool in
      cold += 1
      return rate <= 3.7
    }
    // With a good guess the search needs fewer probes.
    var warm = 0
    _ = try search.highestPassing(upper: 100, guess: 3.6) { (rate: Double) throws(SimulationError) -> Bool in
      warm += 1
      return rate <= 3.7
    }
    #expect(warm < cold)
  }

  @Test func boundIsOptimisticAgainstSimulation() throws {
    // The search caps each capacity search at the plan's bound, so its
    // capacities cannot show a bound that is too low. Search again without
    // the cap (up to 16 × the bound, from the capacity found): no rate above
    // the bound may pass.
    let runner = SearchRunner(space: space(), jobs: 1)
    let result = try runner.run()
    let evaluated = result.outcomes.filter { $0.status == .evaluated }
    #expect(evaluated.count > 5)
    var measured = 0
    for o in evaluated {
      let uncapped = try runner.capacity.capacity(
        of: o.plan, upper: 16 * o.bound, guess: o.capacity > 0 ? o.capacity : o.bound, pricers: nil)
      #expect(
        uncapped.rate <= o.bound,
        "\(o.plan.name): \(uncapped.rate) req/s passes the SLO; the bound is \(o.bound) req/s")
      if uncapped.rate > 0 { measured += 1 }
    }
    #expect(measured > 5)
  }

  @Test func pruningNeverDropsTheTrueBest() throws {
    var exhaustive = SearchRunner(space: space(), jobs: 1)
    exhaustive.prune = false
    let all = try exhaustive.run()
    let pruned = try SearchRunner(space: space(), jobs: 1).run()
    let a = try #require(all.best)
    let b = try #require(pruned.best)
    // Within the bisection's tolerance: a plan's search starts from its last
    // sibling's capacity (`SearchRunner.run`), and a sibling cut short by the
    // pruning gives another start, hence another passing rate within the
    // tolerance of the capacity (the small model's SLO passes are not
    // monotone in the rate there).
    let exhaustiveBest = try #require(all.outcomes[a].objective)
    let prunedBest = try #require(pruned.outcomes[b].objective)
    #expect(prunedBest * (1 + space().tolerance) >= exhaustiveBest)
    // The exhaustive search's best is not pruned away: it is evaluated, its
    // objective within the tolerance of the exhaustive one.
    #expect(pruned.outcomes[a].status == .evaluated)
    #expect((pruned.outcomes[a].objective ?? 0) * (1 + space().tolerance) >= exhaustiveBest)
    #expect(all.outcomes.filter { $0.status == .pruned }.isEmpty)
    // Capacity searches cut short (branch and bound): each plan's capacity,
    // searched in full, cannot beat the best.
    let best = try #require(pruned.outcomes[b].objective)
    let cut = pruned.outcomes.indices.filter {
      pruned.outcomes[$0].status == .pruned && pruned.outcomes[$0].probes > 0
    }
    #expect(!cut.isEmpty)
    for i in cut {
      #expect(pruned.outcomes[i].reason.contains("a probe failed there"))
      #expect(all.outcomes[i].status == .evaluated && (all.outcomes[i].objective ?? 0) < best)
    }
  }

  /// A pricer carries its engine profile, so plans share one only where
  /// their engines price scheduling alike: vLLM 0.14 overlaps it with one
  /// pipeline stage and not with two; vLLM 0.11 overlaps it with neither.
  @Test func plansSharePricersOnlyWhenTheirEnginesOverlapAlike() {
    var one = Fixtures.plan()
    one.parallelism.pipeline = 1
    var two = one
    two.parallelism.pipeline = 2
    #expect(SearchRunner.costKey(one) != SearchRunner.costKey(two))
    one.engineVersion = EngineVersion(0, 11)
    two.engineVersion = EngineVersion(0, 11)
    #expect(SearchRunner.costKey(one) == SearchRunner.costKey(two))
  }

  @Test func sameResultsWithOneAndTwoJobs() throws {
    let one = try SearchRunner(space: space(), jobs: 1).run()
    let two = try SearchRunner(space: space(), jobs: 2).run()
    #expect(one.outcomes == two.outcomes)
    #expect(one.best == two.best)
    #expect(one.pareto == two.pareto)
  }

  @Test func minDevicesMeetsTheRequiredRate() throws {
    var s = space(objective: .minDevices)
    s.requiredRate = 5
    let result = try SearchRunner(space: s, jobs: 2).run()
    let best = try #require(result.best)
    let o = result.outcomes[best]
    #expect(o.capacity >= 5)
    let cheaper = result.outcomes.filter { $0.status == .evaluated && $0.plan.devices < o.plan.devices }
    #expect(cheaper.allSatisfy { $0.capacity < 5 })
  }
}

struct CapacityDropTests {
  @Test func aProbeThatDropsRequestsSettlesCapacityAtZero() throws {
    // Prompts longer than the model's context are dropped at every rate.
    var plan = Fixtures.plan(
      workload: Fixtures.workload(.poisson(rate: 1), requests: 20, input: .fixed(9000)))
    plan.model.maxContext = 8192
    let (rate, probes) = try CapacitySearch(requestsPerReplica: 20).capacity(
      of: plan, upper: 100, guess: nil, pricers: nil)
    #expect(rate == 0)
    #expect(probes.count == 1)
  }

  @Test func theKVCacheBoundsCapacity() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 20, input: .fixed(100), output: .fixed(200)))
    var pricer = try Simulator(plan: plan).pools.pricers[0]
    let reads = 199.0 * 100 + 199.0 * 200 / 2
    let free = CapacityBound.requestsPerSecond(
      plan: plan, pricer: &pricer, maxTokens: 512, meanTokens: 299, meanContextReads: reads, slack: 0)
    let tight = CapacityBound.requestsPerSecond(
      plan: plan, pricer: &pricer, maxTokens: 512, meanTokens: 299, meanContextReads: reads, kvTokens: 800,
      slack: 0)
    let step = pricer.lowerBound(tokens: 1).stageSeconds(
      stage: 0, of: 1, layers: plan.model.costedLayers, moeLayers: 0)
    #expect(tight < free)
    #expect(abs(tight - 800 / (reads * step)) < 1e-9 * tight)
  }
}

struct ProbeITLTests {
  /// The fixture plan with 40 Poisson requests of 50-400 prompt and 5-60
  /// output tokens.
  static func variedLengths() -> PlanSpec {
    Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 1), requests: 40, input: .uniform(min: 50, max: 400), output: .uniform(min: 5, max: 60)
      ))
  }

  /// Probes leave the inter-token percentiles out until the search keeps
  /// one: the kept probe's summary is the summary of a plain run at its
  /// rate, inter-token figures included; the others carry none.
  @Test func theKeptProbeHasTheWholeSummary() throws {
    let plan = Self.variedLengths()
    let search = CapacitySearch(requestsPerReplica: 40)
    let (rate, probes) = try search.capacity(of: plan, upper: 200, guess: nil, pricers: nil)
    let kept = try #require(probes.last { $0.passed && $0.rate == rate })
    let plain = try search.probe(plan, rate: rate, pricers: nil)
    #expect(kept.summary == plain.summary)
    #expect(kept.summary.itl.count > 0)
    let others = probes.filter { $0.rate != rate }
    #expect(!others.isEmpty)
    #expect(others.allSatisfy { $0.summary.itl.count == 0 })
  }
}

struct HeadroomTests {
  /// A headroom keeps a share of each target free: a run's SLO percentile
  /// must meet the targets less that share, so the capacity found falls
  /// and the kept probe's percentiles stay under the tightened bounds.
  @Test func headroomTightensTheCapacitySearch() throws {
    var plan = ProbeITLTests.variedLengths()
    let search = CapacitySearch(requestsPerReplica: 40)
    // A TPOT target that binds: the p90 of a run at 50 requests/s.
    let reference = try search.probe(plan, rate: 50, pricers: nil).summary.tpot.p90
    plan.slo = ServiceLevel(ttftMs: 10_000, tpotMs: reference, percentile: 90)
    let (free, _) = try search.capacity(of: plan, upper: 200, guess: nil, pricers: nil)
    plan.slo.headroom = 0.2
    #expect(abs(plan.slo.tpotBoundMs - 0.8 * reference) < 1e-9 && plan.slo.ttftBoundMs == 8000)
    let (tight, probes) = try search.capacity(of: plan, upper: 200, guess: nil, pricers: nil)
    #expect(free > 0 && tight < free)
    // Every probe that passed kept its TPOT p90 under the tightened bound.
    #expect(probes.filter(\.passed).allSatisfy { $0.summary.tpot.p90 <= 0.8 * reference })
    #expect(probes.contains { !$0.passed && $0.summary.tpot.p90 > 0.8 * reference })
  }
}
