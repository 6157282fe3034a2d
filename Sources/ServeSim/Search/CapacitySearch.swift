import Foundation

/// The highest arrival rate at which a plan still meets its SLO: bracketing
/// (doubling or halving from a first guess) then bisection to a stated
/// relative tolerance.
///
/// A rate passes when every request completes, the p-th percentile TTFT and
/// TPOT are within their targets (p is the SLO's percentile), and the
/// measured throughput (completions over first arrival to last completion)
/// is at least (1 − slack) of the arrival rate: the plan keeps up rather than
/// building a queue the run is too short to show. The slack (0.25) leaves room
/// for the drain of the last requests, which a finite run counts against the
/// throughput (at 200 requests a replica and chat-length outputs, about 10%).
public struct CapacitySearch: Sendable {
  public var tolerance: Double
  public var slack: Double
  public var requestsPerReplica: Int
  /// Lowest rate worth probing, in requests per second.
  public var minRate: Double

  public init(
    tolerance: Double = 0.05, slack: Double = 0.25, requestsPerReplica: Int = 200, minRate: Double = 0.01
  ) {
    self.tolerance = tolerance
    self.slack = slack
    self.requestsPerReplica = requestsPerReplica
    self.minRate = minRate
  }

  /// The plan with its workload turned into `requests` Poisson arrivals at `rate`.
  public func probePlan(_ plan: PlanSpec, rate: Double) -> PlanSpec {
    var p = plan
    p.workload.arrival = .poisson(rate: rate)
    p.workload.durationS = nil
    p.workload.requests = requestsPerReplica * max(plan.parallelism.data, 1)
    return p
  }

  /// Simulates `plan` at `rate` and judges it.
  public func probe(_ plan: PlanSpec, rate: Double, pricers: [IterationPricer]?) throws(SimulationError)
    -> Probe
  {
    try judge(plan, rate: rate, pricers: pricers, itl: true, stopEarly: false).probe
  }

  /// `probe`, with the summary's inter-token statistics taken only when
  /// `itl` (no SLO judges them, and the selection over every iteration's gap
  /// was a tenth of a search's time); the run's gaps come back for the
  /// caller to take them later (`capacity`).
  ///
  /// With `stopEarly` the run stops once it must fail (a TTFT or TPOT
  /// percentile of the whole run or of its second half lost, or it can no
  /// longer keep up: `Simulator+EarlyStop`, `EarlyVerdict`), and the
  /// probe fails with the partial run's figures.
  func judge(_ plan: PlanSpec, rate: Double, pricers: [IterationPricer]?, itl: Bool, stopEarly: Bool)
    throws(SimulationError) -> (probe: Probe, gaps: WeightedSamples)
  {
    let probed = probePlan(plan, rate: rate)
    var simulator = try Simulator(plan: probed, pricers: pricers)
    // A probe is judged by its requests and summary, not its iterations; it
    // stops once it must fail (past capacity the queue grows to the end: the
    // run's last, longest part need not be simulated).
    simulator.keepsIterations = false
    if stopEarly {
      // The tests of `passes` (the summary's kept percentile) and of
      // `lateLatencies` (the SLO's percentile over the second half).
      let n = probed.workload.requests ?? 0
      let kept = LatencyStats.keptPercentile(plan.slo.percentile)
      simulator.stopOnceTTFTFails(
        boundMs: plan.slo.ttftBoundMs, percentile: kept, requests: n, halfPercentile: plan.slo.percentile)
      simulator.stopOnceTPOTFails(
        boundMs: plan.slo.tpotBoundMs, percentile: kept, requests: n, halfPercentile: plan.slo.percentile)
      simulator.stopOnceThroughputFails(rate: (1 - slack) * rate, requests: n)
    }
    let result = try simulator.run()
    let summary = Summary(result, itl: itl)
    let late = lateLatencies(result, percentile: plan.slo.percentile)
    let passed =
      !simulator.stoppedEarly && passes(summary, slo: plan.slo, rate: rate)
      && late.ttftMs <= plan.slo.ttftBoundMs
      && late.tpotMs <= plan.slo.tpotBoundMs && steady(result)
    var probe = Probe(
      rate: rate, passed: passed, summary: summary, peakRunning: result.peakRunning,
      peakUsedBlocks: result.peakUsedBlocks)
    probe.budgetDenials = result.budgetDenials
    probe.peakBudgetUse = result.peakBudgetUse
    return (probe, result.itl)
  }

  /// Whether the run reached a steady state: the median TTFT and TPOT of the
  /// last quarter of the requests (by arrival) are within 25% (plus 5 ms) of
  /// the second quarter's. Past capacity, an engine that admits eagerly keeps
  /// growing its batch, so TPOT keeps rising; one that queues keeps raising
  /// TTFT. The first quarter is left out: it starts from an empty system.
  func steady(_ result: SimulationResult) -> Bool {
    let n = result.requests.count
    guard n >= 40 else { return true }
    func medians(_ slice: ArraySlice<RequestRecord>) -> (Double, Double) {
      var ttft = [Double]()
      var tpot = [Double]()
      for r in slice where r.status == .finished {
        if let t = r.ttft { ttft.append(t) }
        if let t = r.tpot { tpot.append(t) }
      }
      ttft.sort()
      tpot.sort()
      return (Percentile.of(sorted: ttft, 50) ?? 0, Percentile.of(sorted: tpot, 50) ?? 0)
    }
    let second = medians(result.requests[(n / 4)..<(n / 2)])
    let last = medians(result.requests[(3 * n / 4)...])
    return last.0 <= second.0 * 1.25 + 0.005 && last.1 <= second.1 * 1.25 + 0.005
  }

  /// The SLO percentile of TTFT and TPOT over the second half of the requests
  /// (by arrival), in milliseconds. A queue that grows slowly shows there
  /// while the whole run's percentile can still look fine, so a probe must
  /// meet the SLO on both (steady-state check).
  func lateLatencies(_ result: SimulationResult, percentile: Double) -> (ttftMs: Double, tpotMs: Double) {
    let half = result.requests.count / 2
    var ttfts = [Double]()
    var tpots = [Double]()
    ttfts.reserveCapacity(result.requests.count - half)
    tpots.reserveCapacity(result.requests.count - half)
    for r in result.requests[half...] where r.status == .finished {
      if let t = r.ttft { ttfts.append(t) }
      if let t = r.tpot { tpots.append(t) }
    }
    ttfts.sort()
    tpots.sort()
    return (
      (Percentile.of(sorted: ttfts, percentile) ?? 0) * 1000,
      (Percentile.of(sorted: tpots, percentile) ?? 0) * 1000
    )
  }

  /// Whether a run at `rate` meets the SLO and keeps up.
  public func passes(_ s: Summary, slo: ServiceLevel, rate: Double) -> Bool {
    guard s.completed == s.requests, s.completed > 0 else { return false }
    let ttft = s.ttft.at(slo.percentile)
    let tpot = s.tpot.at(slo.percentile)
    return ttft <= slo.ttftBoundMs && tpot <= slo.tpotBoundMs && s.reqPerS >= (1 - slack) * rate
  }

  /// Finds the capacity of `plan`.
  ///
  /// - Parameters:
  ///   - upper: a proven upper bound on the capacity, in requests per second.
  ///   - guess: the first rate to try (a neighbour's capacity), if any.
  /// - Returns: the highest passing rate (0 if none) and every probe made.
  public func capacity(
    of plan: PlanSpec, upper: Double, guess: Double?, pricers: [IterationPricer]?
  ) throws(SimulationError) -> (rate: Double, probes: [Probe]) {
    let found = try capacity(of: plan, upper: upper, guess: guess, pricers: pricers, cutAtOrBelow: 0)
    return (found.rate, found.probes)
  }

  /// `capacity(of:upper:guess:pricers:)` that gives up as soon as a probe
  /// fails at a rate of at most `cut` requests per second (`cut` set), the
  /// capacity then being known to lie below that rate: a search that only
  /// needs to know whether a plan can beat a capacity stops there
  /// (`SearchRunner`, branch and bound).
  ///
  /// - Returns: the highest passing rate found (0 if none), every probe made,
  ///   and whether the search stopped at a failure at or below `cut`.
  func capacity(
    of plan: PlanSpec, upper: Double, guess: Double?, pricers: [IterationPricer]?, cutAtOrBelow cut: Double
  ) throws(SimulationError) -> (rate: Double, probes: [Probe], cut: Bool) {
    var probes = [Probe]()
    // A request dropped for its size (longer than the context, larger than
    // the KV cache) is dropped at every rate: no rate can pass, so one probe
    // that drops settles the capacity at 0.
    var drops = false
    var kept: (index: Int, gaps: WeightedSamples)?
    let (rate, stopped) = try search(upper: upper, guess: guess, stopAtOrBelow: cut) {
      (rate: Double) throws(SimulationError) -> Bool in
      if drops { return false }
      let (p, gaps) = try judge(plan, rate: rate, pricers: pricers, itl: false, stopEarly: true)
      // Only the last passing probe is kept (its rate is the capacity, the
      // low end only rises): its gaps replace the earlier one's.
      if p.passed { kept = (probes.count, gaps) }
      probes.append(p)
      drops = p.summary.dropped > 0
      return p.passed
    }
    if let (index, gaps) = kept { probes[index].summary.itl = LatencyStats(gaps) }
    return (drops ? 0 : rate, probes, stopped && !drops)
  }

  /// The highest rate in (0, upper] for which `passes` holds, assuming it holds
  /// below some threshold and fails above it, to within `tolerance` (relative).
  ///
  /// - Returns: the highest rate that passed (0 if none did).
  public func highestPassing(
    upper: Double, guess: Double?, passes run: (Double) throws(SimulationError) -> Bool
  ) throws(SimulationError) -> Double {
    try search(upper: upper, guess: guess, stopAtOrBelow: 0, passes: run).rate
  }

  /// `highestPassing`, ending early when a rate of at most `stop` fails
  /// (`stop` 0: never): then the highest rate that passed so far, and true.
  func search(
    upper: Double, guess: Double?, stopAtOrBelow stop: Double,
    passes probe: (Double) throws(SimulationError) -> Bool
  ) throws(SimulationError) -> (rate: Double, stopped: Bool) {
    var stopped = false
    func run(_ rate: Double) throws(SimulationError) -> Bool {
      let passed = try probe(rate)
      if !passed && rate <= stop { stopped = true }
      return passed
    }
    let top = max(upper, minRate)
    var first = min(max(guess ?? top / 2, minRate), top)
    if !first.isFinite { first = minRate }
    var low = 0.0
    var high = top * 1.000001
    // From a neighbour's capacity, bracket in steps of 1.25x (it is likely
    // close); from the bound alone, in steps of 2x.
    let step = guess == nil ? 2.0 : 1.25
    if try run(first) {
      low = first
      while low < top {
        let next = min(low * step, top)
        if try run(next) {
          low = next
        } else {
          high = next
          break
        }
      }
      if low >= top || stopped { return (low, stopped) }
    } else {
      if stopped { return (0, true) }
      high = first
      var next = first / step
      while next >= minRate {
        if try run(next) {
          low = next
          break
        }
        if stopped { return (0, true) }
        high = next
        next /= step
      }
      if low == 0 { return (0, false) }
    }
    while (high - low) / high > tolerance {
      let mid = (low + high) / 2
      if try run(mid) { low = mid } else { high = mid }
      if stopped { return (low, true) }
    }
    return (low, false)
  }
}

extension LatencyStats {
  /// The kept percentile (50, 90, 99) that `at(p)` reads.
  public static func keptPercentile(_ p: Double) -> Double { p <= 50 ? 50 : p <= 90 ? 90 : 99 }

  /// The statistic at percentile `p` among those kept (50, 90, 99), in ms;
  /// other percentiles take the next kept one above (conservative).
  public func at(_ p: Double) -> Double {
    if p <= 50 { return p50 }
    if p <= 90 { return p90 }
    return p99
  }
}
