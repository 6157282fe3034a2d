import Testing

@testable import ServeSim

/// What the search no longer simulates: capacity searches that cannot beat
/// the best (branch and bound) and probe runs whose verdict is known.
struct EarlyVerdictTests {
  @Test func theBracketStopsAtAFailureThatCannotWin() throws {
    let search = CapacitySearch(tolerance: 0.02)
    var rates = [Double]()
    let stopped = try search.search(upper: 100, guess: nil, stopAtOrBelow: 10) {
      (rate: Double) throws(SimulationError) -> Bool in
      rates.append(rate)
      return rate <= 3.7
    }
    // From the bound down in halves: 6.25 fails at or below 10, so the
    // capacity lies below a rate that cannot win, and the search ends.
    #expect(stopped.stopped && stopped.rate == 0)
    #expect(rates == [50, 25, 12.5, 6.25])
    // A stop below every failing rate changes nothing.
    let free = try search.highestPassing(upper: 100, guess: nil) {
      (rate: Double) throws(SimulationError) -> Bool in
      rate <= 3.7
    }
    let low = try search.search(upper: 100, guess: nil, stopAtOrBelow: 2) {
      (rate: Double) throws(SimulationError) -> Bool in rate <= 3.7
    }
    #expect(!low.stopped && low.rate == free)
  }

  /// The early stop never ends a run whose TTFT percentile meets the bound:
  /// at the run's own p90 as the bound the run goes to its end with the same
  /// result; at half its fastest TTFT (every first token late) it stops.
  @Test func aRunStopsOnlyOnceItsTTFTPercentileIsLost() throws {
    let plan = CapacitySearch(requestsPerReplica: 40).probePlan(ProbeITLTests.variedLengths(), rate: 50)
    var whole = try Simulator(plan: plan)
    let result = try whole.run()
    let summary = Summary(result)
    let n = result.requests.count
    var atBound = try Simulator(plan: plan)
    atBound.stopOnceTTFTFails(boundMs: summary.ttft.p90, percentile: 90, requests: n)
    let same = try atBound.run()
    #expect(!atBound.stoppedEarly)
    #expect(Summary(same) == summary)
    let fastest = result.requests.compactMap(\.ttft).min() ?? 0
    var late = try Simulator(plan: plan)
    late.stopOnceTTFTFails(boundMs: fastest * 1000 / 2, percentile: 90, requests: n)
    let partial = try late.run()
    #expect(late.stoppedEarly)
    // n − ⌊0.9 · (n − 1)⌋ late first tokens: the last of them ends the run.
    #expect(partial.requests.filter { $0.ttft != nil }.count == n - Int((0.9 * Double(n - 1)).rounded(.down)))
  }

  /// A probe far past capacity stops once it can no longer keep up, and
  /// fails as the whole run does.
  @Test func anOverloadedProbeStopsAndFails() throws {
    let plan = ProbeITLTests.variedLengths()
    let search = CapacitySearch(requestsPerReplica: 40)
    let (capacity, _) = try search.capacity(of: plan, upper: 400, guess: nil, pricers: nil)
    let rate = 20 * capacity
    let whole = try search.judge(plan, rate: rate, pricers: nil, itl: false, stopEarly: false).probe
    let early = try search.judge(plan, rate: rate, pricers: nil, itl: false, stopEarly: true).probe
    #expect(!whole.passed && !early.passed)
    #expect(whole.summary.completed == 40 && early.summary.completed < 40)
    // A passing rate runs to its end either way.
    let passing = try search.judge(plan, rate: capacity, pricers: nil, itl: false, stopEarly: true).probe
    #expect(passing.passed && passing.summary.completed == 40)
  }
}
