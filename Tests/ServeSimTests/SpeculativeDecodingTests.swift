import Testing

@testable import ServeSim

/// Speculative decoding: verify steps that accept a random prefix of the
/// drafts, their price, their KV blocks and their metrics.
@Suite struct SpeculativeDecodingTests {
  static func speculative(_ p: [Double], method: SpeculativeMethod = .eagle) -> SpeculativeDecoding {
    SpeculativeDecoding(method: method, tokens: p.count, acceptance: p)
  }

  /// One request at a time (closed loop of one client), long outputs.
  static func lowLoad(_ speculative: SpeculativeDecoding?, policy: SchedulingPolicy = .vllm) -> PlanSpec {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(
        .closed(concurrency: 1, thinkTime: 0), requests: 8, input: .fixed(1000), output: .fixed(401)),
      policy: policy, budget: 2048)
    plan.speculative = speculative
    // vLLM 0.11: its scheduling time adds to each step, as the hand
    // computations below take it. (0.14 hides it behind the device, and the
    // fixture's small model's steps are shorter than it: every step would
    // take the scheduler's time.)
    plan.engineVersion = EngineVersion(0, 11)
    return plan
  }

  /// A spread of the acceptance between requests widens the requests' TPOT
  /// (each request keeps its own rate over its whole output) without moving
  /// its median much: p95/p5 of 60 requests of 400 tokens 1.14 with one
  /// rate (the steps' draws average out), 1.75 with a spread of 0.5. The levels are a function of the
  /// seed and the request: the same in every run.
  @Test func anAcceptanceSpreadWidensTheRequestsTPOT() throws {
    func tpots(_ spread: Double) throws -> [Double] {
      var plan = Self.lowLoad(nil)
      plan.workload.requests = 60
      var speculative = Self.speculative([0.6, 0.6, 0.6], method: .mtp)
      speculative.acceptanceSpread = spread
      plan.speculative = speculative
      return try Fixtures.run(plan).requests.compactMap(\.tpot).sorted()
    }
    let flat = try tpots(0)
    let spread = try tpots(0.5)
    #expect(try tpots(0.5) == spread)
    let width = { (t: [Double]) in t[t.count * 95 / 100] / t[t.count * 5 / 100] }
    #expect(width(flat) < 1.2)
    #expect(width(spread) > 1.4)
    #expect(abs(spread[spread.count / 2] / flat[flat.count / 2] - 1) < 0.06)
  }

  /// A request's level is a standard normal draw: over many requests its
  /// mean is near 0 and its variance near 1.
  @Test func acceptanceLevelsAreStandardNormal() {
    let z = (0..<20_000).map { Speculation.level(seed: 42, request: $0) }
    let mean = z.reduce(0, +) / Double(z.count)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.count)
    #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05, "\(mean) \(variance)")
  }

  @Test func tpotFallsAsAcceptanceRises() throws {
    var tpots = [Double]()
    for p in [0.2, 0.5, 0.8, 0.95] {
      let result = try Fixtures.run(Self.lowLoad(Self.speculative([p, p, p])))
      tpots.append(Summary(result).tpot.mean)
    }
    let off = Summary(try Fixtures.run(Self.lowLoad(nil))).tpot.mean
    #expect(zip(tpots, tpots.dropFirst()).allSatisfy { $0 > $1 }, "\(tpots)")
    #expect(tpots[3] < off)
  }

  /// The gain at a fixed acceptance against a hand computation: a step
  /// gives 1 + p1 + p1·p2 tokens on average and costs one verify pass of
  /// 1 + k positions and k draft passes; a plain decode step gives one token.
  @Test func throughputGainFollowsTheVerifyCost() throws {
    let p = [0.8, 0.75]
    let expected = 1 + p[0] + p[0] * p[1]
    let plan = Self.lowLoad(Self.speculative(p))
    let spec = Summary(try Fixtures.run(plan))
    let plain = Summary(try Fixtures.run(Self.lowLoad(nil)))
    let accepted = try #require(spec.acceptedLength)
    #expect(abs(accepted / expected - 1) < 0.03, "accepted length \(accepted), expected \(expected)")
    // Price a step at the middle of the decode (context 1000 + 200).
    let simulator = try Simulator(plan: plan)
    var pricer = simulator.pools.pricers[0]
    let layers = plan.model.costedLayers
    var verify = BatchShape()
    verify.addVerify(drafts: 2, context: 1203)
    var decode = BatchShape()
    decode.addDecode(context: 1201)
    let step = pricer.price(verify).seconds(layers: layers)
    let single = pricer.price(decode).seconds(layers: layers)
    #expect(step > single)
    // The verify pass alone costs less than the step: the drafts are priced.
    pricer.draft = nil
    #expect(pricer.price(verify).seconds(layers: layers) < step)
    let gain = plain.tpot.mean / spec.tpot.mean
    let hand = expected * single / step
    #expect(abs(gain / hand - 1) < 0.04, "gain \(gain), hand computation \(hand)")
  }

  /// SGLang's speculative steps run without the overlap scheduler, so their
  /// per-request host work is on the step's critical path: 100 us a
  /// request (`EngineProfile.sglangSpeculativeSequenceUs`); vLLM's is not
  /// modelled, and a plain SGLang decode step has none.
  @Test func sglangPaysItsSpeculativeHostWorkPerRequest() throws {
    let plan = Self.lowLoad(Self.speculative([0.8, 0.75]), policy: .sglang)
    var sglang = plan
    sglang.engine = .sglang
    let pricer = try Simulator(plan: sglang).pools.pricers[0]
    #expect(pricer.profile.speculativeSequenceUs == 100 && !pricer.profile.overlapsScheduling)
    var verify = BatchShape()
    for _ in 0..<8 { verify.addVerify(drafts: 2, context: 1203) }
    let layers = plan.model.costedLayers
    var with = pricer
    let stepWith = with.price(verify).seconds(layers: layers)
    var profile = pricer.profile
    profile.speculativeSequenceUs = 0
    var without = IterationPricer(
      cost: pricer.cost, profile: profile, maxTokens: sglang.scheduler.maxNumBatchedTokens)
    without.draft = pricer.draft
    let stepWithout = without.price(verify).seconds(layers: layers)
    #expect(abs((stepWith - stepWithout) - 8 * 100e-6) < 1e-9, "\(stepWith - stepWithout)")
    #expect(try Simulator(plan: plan).pools.pricers[0].profile.speculativeSequenceUs == 0)
    var plain = sglang
    plain.speculative = nil
    #expect(try Simulator(plan: plain).pools.pricers[0].profile.speculativeSequenceUs == 0)
  }

  /// A prefill batch of a speculative plan also runs the draft over the
  /// prompt (SGLang's draft extend, vLLM's proposer over every scheduled
  /// token): one eager head pass over its tokens, sampling the finished
  /// prompt's last position only, plus one layer of its prefill attention.
  @Test func aPrefillRunsTheDraftOverThePrompt() throws {
    let plan = Self.lowLoad(Self.speculative([0.8, 0.75]))
    var pricer = try Simulator(plan: plan).pools.pricers[0]
    let layers = plan.model.costedLayers
    var prefill = BatchShape()
    prefill.addPrefill(chunk: 1000, context: 1000, samples: true)
    let with = pricer.price(prefill).seconds(layers: layers)
    let draft = try #require(pricer.draft)
    pricer.draft = nil
    let without = pricer.price(prefill).seconds(layers: layers)
    let cost = draft.cost
    let hand =
      cost.draftHead(tokens: 1000, sampled: 1, mode: .eager).seconds
      + cost.attentionPrefill(prefill, mode: .eager).seconds
    #expect(with > without)
    #expect(abs((with - without) / hand - 1) < 1e-9, "draft prefill \(with - without), hand \(hand)")
    // Sampling only the last position: cheaper than a decode-style pass
    // that samples every row.
    #expect(
      hand < cost.draftHead(tokens: 1000, mode: .eager).seconds
        + cost.attentionPrefill(prefill, mode: .eager).seconds)
  }

  /// In a batch that mixes a prompt's last chunk with verify steps, the
  /// draft's prefill pass samples the ending prompt alone: the verifies'
  /// sampled rows (one per sequence and per draft) are not prompts.
  @Test func aMixedBatchsDraftPrefillSamplesOnlyTheEndingPrompts() throws {
    let plan = Self.lowLoad(Self.speculative([0.8, 0.75]))
    let draft = try #require(try Simulator(plan: plan).pools.pricers[0].draft)
    var prefill = BatchShape()
    prefill.addPrefill(chunk: 1000, context: 1000, samples: true)
    var mixed = prefill
    mixed.addVerify(drafts: 2, context: 1203)
    mixed.addVerify(drafts: 2, context: 803)
    #expect(mixed.endingPrompts == 1 && prefill.endingPrompts == 1)
    #expect(draft.prefill(mixed).seconds == draft.prefill(prefill).seconds)
  }

  /// SGLang frees the slots of rejected drafts after the verify; vLLM keeps
  /// them (and its lookahead slots) for the next step.
  @Test func rejectedDraftBlocksAreReleased() throws {
    for (policy, held) in [(SchedulingPolicy.sglang, 33), (.vllm, 33 + 4 + 4)] {
      var requests = RequestWindow()
      var record = RequestRecord(arrival: 0, inputTokens: 32, outputTokens: 100)
      record.generated = 1
      record.computed = 32
      record.status = .running
      record.blocks = 32
      record.lastToken = 0
      let id = requests.append(record)
      let config = SchedulerConfig(
        policy: policy, maxNumSeqs: 8, maxNumBatchedTokens: 256, chunkedPrefill: true, blockSize: 1,
        memoryUtilization: 0.9)
      var scheduler = ReplicaScheduler(blocks: 1000, pipeline: 0, limits: SchedulerLimits(config))
      // Acceptance so small that every draft is rejected.
      scheduler.speculation = Speculation(
        Self.speculative([1e-12, 1e-12, 1e-12, 1e-12]), seed: 1, scheduler: 0, policy: policy)
      scheduler.freeBlocks -= 32
      scheduler.running = [Int32(id)]
      scheduler.outstanding = 1
      let shape = try #require(scheduler.formBatch(&requests, stamp: 1, clock: 0))
      #expect(shape.tokens == 5 && shape.speculativeTokens == 4 && shape.sampledSequences == 5)
      #expect(requests[id].blocks >= 37)
      var itl = WeightedSamples()
      scheduler.finishBatch(&requests, itl: &itl, clock: 0.01)
      #expect(requests[id].generated == 2)
      #expect(requests[id].computed == 33)
      #expect(Int(requests[id].blocks) == held, "\(policy)")
      #expect(scheduler.freeBlocks == 1000 - held)
      #expect(scheduler.tally.rejectedTokens == 4 && scheduler.tally.verifiedTokens == 1)
    }
  }

  @Test func theSameSeedGivesTheSameRun() throws {
    var plan = Self.lowLoad(Self.speculative([0.7, 0.6, 0.5]), policy: .sglang)
    plan.workload = Fixtures.workload(
      .poisson(rate: 20), requests: 40, input: .fixed(300), output: .fixed(120))
    let a = try Fixtures.run(plan)
    let b = try Fixtures.run(plan)
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(Summary(a) == Summary(b))
    plan.seed += 1
    #expect(Summary(try Fixtures.run(plan)).acceptedLength != Summary(a).acceptedLength)
  }

  /// Speculative plans never leap (a step's tokens are random): stepping
  /// and leaping give the same run, and no iteration was leapt.
  @Test func speculativePlansDoNotLeap() throws {
    var plan = Self.lowLoad(Self.speculative([0.9, 0.9]))
    plan.workload = Fixtures.workload(requests: 6, input: .fixed(100), output: .fixed(80))
    let (a, leapedTally, b, _) = try DecodeLeapTests.both(plan)
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(leapedTally.leapedIterations == 0)
    #expect(leapedTally.verifySteps > 0)
  }

  /// Outputs end exactly at their length, however many drafts are accepted.
  @Test func outputsDoNotOverrun() throws {
    var plan = Self.lowLoad(Self.speculative([1, 1, 1, 1, 1, 1, 1, 1]))
    plan.workload = Fixtures.workload(requests: 5, input: .fixed(50), output: .fixed(13))
    let result = try Fixtures.run(plan)
    #expect(result.requests.allSatisfy { $0.generated == 13 && $0.status == .finished })
    // 12 tokens after the first: one step of 9, one of 3.
    #expect(Summary(result).acceptedLength == 6)
  }

  /// The optimizer shares pricers across plans: a speculative SGLang plan
  /// (no overlap scheduler) must not take those of a plain one.
  @Test func sharedPricersDoNotChangeASpeculativeRun() throws {
    var plan = Self.lowLoad(Self.speculative([0.8, 0.6]), policy: .sglang)
    plan.engine = .sglang
    plan.workload = Fixtures.workload(requests: 6, input: .fixed(100), output: .fixed(40))
    var off = plan
    off.speculative = nil
    let shared = try Simulator(plan: off).pools.pricers
    var reused = try Simulator(plan: plan, pricers: shared)
    var fresh = try Simulator(plan: plan)
    #expect(try reused.run().iterations == (try fresh.run().iterations))
  }

  @Test func acceptanceAndSurvival() {
    let s = Self.speculative([0.8, 0.5])
    #expect(s.survival == [0.8, 0.4])
    #expect(abs(s.expectedTokensPerStep - 2.2) < 1e-12)
    #expect(s.with(tokens: 3).acceptance == [0.8, 0.5, 0.5])
    #expect(s.with(tokens: 1).acceptance == [0.8])
  }
}
