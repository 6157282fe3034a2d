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
    // n − ⌊0.9 · (n − 1)⌋ overdue first tokens: the last of them ends the
    // run, at its deadline, before the late tokens come.
    let limit = n - Int((0.9 * Double(n - 1)).rounded(.down))
    #expect(late.verdict.lateTTFTs.whole == limit)
    #expect(partial.requests.filter { $0.ttft != nil }.count < limit)
  }

  /// The limits follow the interpolated percentile: p of m values exceeds a
  /// bound whenever m − ⌊p/100 · (m − 1)⌋ of them do (the lower order
  /// statistic it interpolates from is then late), while one fewer leaves
  /// that order statistic on time.
  @Test func theLimitIsTheCountThatLosesThePercentile() {
    for m in [1, 2, 3, 10, 11, 40, 101] {
      for p in [50.0, 90, 99] {
        let limit = EarlyVerdict.limit(percentile: p, count: m)
        let lower = Int((p / 100 * Double(m - 1)).rounded(.down))
        let fewer = [Double](repeating: 1, count: m - limit + 1) + [Double](repeating: 3, count: limit - 1)
        let lost = [Double](repeating: 1, count: m - limit) + [Double](repeating: 3, count: limit)
        #expect(fewer[lower] <= 2, "m \(m) p \(p)")
        #expect((Percentile.of(sorted: lost, p) ?? 0) > 2, "m \(m) p \(p)")
      }
    }
    #expect(EarlyVerdict.limit(percentile: 90, count: 0) == 0)
  }

  /// A probe that stops early gets the verdict of its whole run, at every
  /// rate from well below capacity to far past it, for an SLO lost on TTFT
  /// and one lost on TPOT, over the whole run or over its second half.
  @Test func aStoppedProbeHasItsWholeRunsVerdict() throws {
    let search = CapacitySearch(requestsPerReplica: 40)
    var base = ProbeITLTests.variedLengths()
    let (capacity, _) = try search.capacity(of: base, upper: 400, guess: nil, pricers: nil)
    var plain = try Simulator(plan: search.probePlan(base, rate: capacity))
    let whole = try plain.run()
    let summary = Summary(whole)
    var stopped = 0
    var seen = Set<Bool>()
    for slo in [
      ServiceLevel(ttftMs: summary.ttft.p50, tpotMs: 1000, percentile: 50),
      ServiceLevel(ttftMs: 1000, tpotMs: summary.tpot.p90 * 0.9, percentile: 90),
      ServiceLevel(ttftMs: summary.ttft.p99, tpotMs: summary.tpot.p99, percentile: 99),
    ] {
      base.slo = slo
      for factor in [0.5, 0.9, 1.0, 1.1, 1.5, 3, 10] {
        let rate = capacity * factor
        let full = try search.judge(base, rate: rate, pricers: nil, itl: false, stopEarly: false).probe
        let probed = search.probePlan(base, rate: rate)
        let kept = LatencyStats.keptPercentile(slo.percentile)
        var early = try Simulator(plan: probed)
        early.stopOnceTTFTFails(
          boundMs: slo.ttftBoundMs, percentile: kept, requests: 40, halfPercentile: slo.percentile)
        early.stopOnceTPOTFails(
          boundMs: slo.tpotBoundMs, percentile: kept, requests: 40, halfPercentile: slo.percentile)
        _ = try early.run()
        let judged = try search.judge(base, rate: rate, pricers: nil, itl: false, stopEarly: true).probe
        #expect(judged.passed == full.passed, "rate \(rate), SLO \(slo)")
        // A stop is a failure.
        if early.stoppedEarly { #expect(!full.passed, "rate \(rate), SLO \(slo)") }
        if early.stoppedEarly { stopped += 1 }
        seen.insert(full.passed)
      }
    }
    #expect(stopped > 0 && seen == [true, false])
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
