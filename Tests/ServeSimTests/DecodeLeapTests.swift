import Testing

@testable import ServeSim

/// Quiet decode stretches (`DecodeLeap`) are formed in O(1) and give the
/// same result as stepping every request through every iteration.
@Suite struct DecodeLeapTests {
  /// `plan` run with leaps and stepping (invariants checked), with each
  /// scheduler tally.
  static func both(_ plan: PlanSpec) throws -> (
    SimulationResult, SchedulerTally, SimulationResult, SchedulerTally
  ) {
    var leaped = try Simulator(plan: plan, checkInvariants: true, leap: true)
    var stepped = try Simulator(plan: plan, checkInvariants: true, leap: false)
    let a = try leaped.run()
    let b = try stepped.run()
    return (a, leaped.tally, b, stepped.tally)
  }

  /// Four 100-token prompts prefill together, then decode 49 more tokens
  /// each: iterations 2 to 50 form one stretch (crossing the 112- and
  /// 128-token block boundaries) that ends when every request finishes in
  /// iteration 50.
  @Test func aQuietStretchLeapsToTheCompletions() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 4, input: .fixed(100), output: .fixed(50)))
    let (a, leapedTally, b, steppedTally) = try Self.both(plan)
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(a.itl == b.itl)
    #expect(leapedTally.leapedIterations == 49)
    #expect(steppedTally.leapedIterations == 0)
    #expect(a.iterations.count == 50)
    #expect(leapedTally == steppedTally.with(leapedIterations: 49))
    #expect(a.requests.allSatisfy { $0.blocks == 0 && $0.computed == 149 })
  }

  /// Requests of different lengths finish inside one stretch, which goes on
  /// with the others: one stretch from iteration 2 to the last.
  @Test func completionsDoNotEndTheStretch() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 6, input: .fixed(40), output: .uniform(min: 2, max: 90)),
      blockSize: 4)
    let (a, leapedTally, b, _) = try Self.both(plan)
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(a.itl == b.itl)
    #expect(leapedTally.leapedIterations == a.iterations.count - 1)
  }

  /// A stretch ends where a new request waits: the arrival's iteration is
  /// formed by the policy (it admits the request) and the tokens of the
  /// stretch are booked on the records first.
  @Test func anArrivalEndsTheStretch() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(.poisson(rate: 20), requests: 30, input: .fixed(300), output: .fixed(80)),
      blockSize: 8)
    let (a, leapedTally, b, _) = try Self.both(plan)
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(a.itl == b.itl)
    #expect(leapedTally.leapedIterations > 0)
  }

  /// With `max_num_seqs` running, no policy admits, so a stretch goes on
  /// while requests wait: two requests decode iterations 2 to 30 in one
  /// stretch while two more wait, then those run 32 to 60 in another.
  @Test func aFullBatchLeapsWhileRequestsWait() throws {
    let plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 4, input: .fixed(100), output: .fixed(30)), maxSeqs: 2)
    let (a, leapedTally, b, _) = try Self.both(plan)
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(a.itl == b.itl)
    #expect(a.iterations.count == 60)
    #expect(leapedTally.leapedIterations == 58)
  }

  /// The block boundary arithmetic: a request holding 7 blocks of 16 tokens
  /// with 100 computed needs its 8th in the stretch's iteration 12 (token
  /// 113), its 9th in iteration 28.
  @Test func blockBoundaries() {
    let first = DecodeLeap.boundary(held: 7, computed: 100, blockSize: 16)
    #expect(first == 12)
    #expect(DecodeLeap.blocksGained(boundary: first, formed: 12, blockSize: 16) == 0)
    #expect(DecodeLeap.blocksGained(boundary: first, formed: 13, blockSize: 16) == 1)
    #expect(DecodeLeap.blocksGained(boundary: first, formed: 28, blockSize: 16) == 1)
    #expect(DecodeLeap.blocksGained(boundary: first, formed: 29, blockSize: 16) == 2)
  }
}

extension SchedulerTally {
  /// This tally with another count of leaped iterations.
  func with(leapedIterations: Int) -> SchedulerTally {
    var copy = self
    copy.leapedIterations = leapedIterations
    return copy
  }
}
