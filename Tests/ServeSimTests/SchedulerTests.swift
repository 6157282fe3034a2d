import Testing

@testable import ServeSim

@Suite struct SchedulerTests {
  @Test func chunkBudgetIsRespected() throws {
    let plan = Fixtures.plan(workload: Fixtures.workload(input: .fixed(1000)), budget: 512)
    let result = try Fixtures.run(plan)
    #expect(result.iterations.allSatisfy { $0.prefillTokens + $0.decodeTokens <= 512 })
    // Prompts of 1000 tokens need chunking at a 512 budget.
    #expect(result.iterations.contains { $0.prefillTokens == 512 })
  }

  @Test func everyRequestCompletesAndTokensAreConserved() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 50), requests: 200, input: .uniform(min: 10, max: 900),
        output: .uniform(min: 1, max: 60)))
    let result = try Fixtures.run(plan)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    #expect(result.requests.allSatisfy { $0.generated == $0.outputTokens })
    #expect(result.requests.allSatisfy { $0.preemptions == 0 })
    // Every prompt token is prefilled once and every output token but the last
    // is fed back once.
    let computed = result.iterations.reduce(0) { $0 + Int($1.prefillTokens + $1.decodeTokens) }
    let expected = result.requests.reduce(0) { $0 + Int($1.inputTokens + $1.outputTokens - 1) }
    #expect(computed == expected)
    #expect(result.requests.allSatisfy { $0.blocks == 0 })
  }

  /// Decodes go first: once a request has its first token it gets one more in
  /// every iteration of its replica until it completes, however many prompts
  /// are waiting.
  @Test func decodesAreNeverStarvedByPrefills() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 200), requests: 100, input: .fixed(700), output: .fixed(20)), budget: 256)
    let result = try Fixtures.run(plan)
    for r in result.requests {
      let between = result.iterations.filter { $0.start >= r.firstToken && $0.start < r.completion }
      #expect(between.count == Int(r.outputTokens) - 1)
    }
  }

  @Test func preemptsNewestWhenBlocksRunOut() throws {
    // A KV cache of a few hundred tokens for 20 requests of 100 + 200 tokens.
    var plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 20, input: .fixed(100), output: .fixed(200)))
    // Size the device so that exactly 50 blocks (800 tokens) are left for the cache.
    let full = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
      precision: plan.precision, scheduler: plan.scheduler)
    plan.cluster.device.memoryGB =
      (full.weightBytes + full.activationBytes + 50.5 * full.blockBytes) / 0.9 / 1e9
    let result = try Fixtures.run(plan)
    #expect(result.memory.blocks == 50)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    let preemptions = result.requests.reduce(0) { $0 + Int($1.preemptions) }
    #expect(preemptions > 0)
    // Recompute: preempted work is done again, so more tokens are computed.
    let computed = result.iterations.reduce(0) { $0 + Int($1.prefillTokens + $1.decodeTokens) }
    #expect(computed > 20 * 299)
    // The oldest request is never the victim while newer ones run.
    #expect(result.requests[0].preemptions == 0)
    #expect(result.iterations.allSatisfy { Int($0.kvBlocksUsed) <= result.memory.blocks })
  }

  @Test func maxNumSeqsCapsTheBatch() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 50, input: .fixed(10), output: .fixed(30)), maxSeqs: 8)
    let result = try Fixtures.run(plan)
    #expect(result.iterations.allSatisfy { $0.batchSize <= 8 })
    #expect(result.iterations.contains { $0.batchSize == 8 })
  }

  @Test func orcaPrefillsWholePrompts() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 30, input: .fixed(300), output: .fixed(5)),
      policy: .orca, budget: 1000)
    let result = try Fixtures.run(plan)
    #expect(result.iterations.allSatisfy { $0.prefillTokens % 300 == 0 })
    #expect(result.requests.allSatisfy { $0.status == .finished })
  }

  @Test func vllmWithoutChunkingRunsPrefillOnlyOrDecodeOnlyBatches() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 100), requests: 60, input: .fixed(200), output: .fixed(20)),
      budget: 1000, chunked: false)
    let result = try Fixtures.run(plan)
    #expect(result.iterations.allSatisfy { $0.prefillTokens == 0 || $0.decodeTokens == 0 })
    #expect(result.iterations.allSatisfy { $0.prefillTokens % 200 == 0 })
  }

  @Test func staticBatchingWaitsForTheWholeBatch() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 1000), requests: 40, input: .fixed(50), output: .uniform(min: 2, max: 40)),
      policy: .static, maxSeqs: 10)
    let result = try Fixtures.run(plan)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // A batch keeps its size (finished requests stay as padding) until it ends.
    var previous: IterationRecord?
    for it in result.iterations {
      if let p = previous, it.prefillTokens == 0 { #expect(it.batchSize == p.batchSize) }
      previous = it
    }
  }

  @Test func dataParallelRoundRobinSplitsEvenly() throws {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(.constant(rate: 20), requests: 40),
      parallelism: Parallelism(data: 2))
    plan.router = .roundRobin
    let result = try Fixtures.run(plan)
    #expect(result.requests.filter { $0.replica == 0 }.count == 20)
    #expect(Set(result.iterations.map(\.replica)) == [0, 1])
  }

  @Test func closedLoopKeepsConcurrency() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(
        .closed(concurrency: 4, thinkTime: 0), requests: 40, input: .fixed(64), output: .fixed(8)))
    let result = try Fixtures.run(plan)
    #expect(result.requests.count == 40)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // Never more than 4 requests in a batch.
    #expect(result.iterations.allSatisfy { $0.batchSize <= 4 })
    // Each request after the first four arrives exactly when another completes.
    let completions = Set(result.requests.map(\.completion))
    #expect(result.requests.dropFirst(4).allSatisfy { completions.contains($0.arrival) })
  }

  @Test func requestsLongerThanTheContextAreDropped() throws {
    var model = Fixtures.model
    model.maxContext = 500
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 10, input: .uniform(min: 100, max: 900)), model: model)
    let result = try Fixtures.run(plan)
    let dropped = result.requests.filter { $0.status == .dropped }
    #expect(!dropped.isEmpty)
    #expect(dropped.allSatisfy { $0.dropReason == .contextTooLong && $0.inputTokens + 10 > 500 })
    #expect(result.requests.filter { $0.status == .finished }.count == 10 - dropped.count)
  }

  @Test func sameSeedSameResultOtherSeedOtherResult() throws {
    let workload = Fixtures.workload(
      .gamma(rate: 40, cv: 2), requests: 100, input: .lognormal(mean: 300, stddev: 200, min: 1, max: 4000),
      output: .zipf(s: 1.1, min: 1, max: 100))
    let a = try Fixtures.run(Fixtures.plan(workload: workload))
    let b = try Fixtures.run(Fixtures.plan(workload: workload))
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    var other = Fixtures.plan(workload: workload)
    other.seed = 8
    let c = try Fixtures.run(other)
    #expect(c.requests != a.requests)
  }

  @Test func planThatDoesNotFitExplainsWhy() throws {
    var plan = Fixtures.plan()
    plan.cluster.device.memoryGB = 0.1
    #expect {
      _ = try Simulator(plan: plan)
    } throws: { error in
      guard case SimulationError.doesNotFit(let report) = error else { return false }
      return report.description.contains("does not fit") && !report.suggestions.isEmpty
    }
  }

  @Test func endOfRunChecksCatchLostRequestsAndTokens() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(.poisson(rate: 200), requests: 200, input: .uniform(min: 10, max: 400)))
    var simulator = try Simulator(plan: plan, checkInvariants: true)
    _ = try simulator.run()
    #expect(simulator.tally.scheduledTokens > 0)
    try simulator.verifyEnd()
    var leaky = simulator
    leaky.schedulers[0].tally.scheduledTokens += 1
    #expect(throws: SimulationError.self) { try leaky.verifyEnd() }
    var lost = simulator
    lost.requests[7].status = .waiting
    #expect(throws: SimulationError.self) { try lost.verifyEnd() }
    var short = simulator
    short.requests[3].generated -= 1
    #expect(throws: SimulationError.self) { try short.verifyEnd() }
  }
}
