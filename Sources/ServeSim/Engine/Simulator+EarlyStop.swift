/// Stopping a run whose verdict is already known: a capacity probe only asks
/// whether a rate passes (`CapacitySearch`), and past a plan's capacity the
/// run's last part is its longest (a growing queue, a long drain). Once
/// enough first tokens came late that the run's TTFT percentile must exceed
/// its bound whatever the rest do, or so much time passed that the run can
/// no longer complete its requests at the rate it must keep up with, the run
/// stops; the probe fails as the whole run would have.
extension Simulator {
  /// Stops the run once the `percentile`-th percentile of its TTFTs must
  /// exceed `boundMs`, for a run of at most `requests` measured requests.
  ///
  /// The percentile is interpolated between the order statistics at
  /// ⌊p/100 · (n − 1)⌋ and the next (`Percentile.of`, `LatencyStats`), so it
  /// exceeds the bound once more than n − ⌊p/100 · (n − 1)⌋ − 1 of n TTFTs
  /// do; that count does not fall as n falls, so the run's request count `requests`
  /// (an upper bound on its measured TTFTs) gives a safe limit. `percentile`
  /// is the one the summary keeps (50, 90 or 99: `LatencyStats.at`). Not
  /// applied with warm-up requests (not measured, but counted here).
  public mutating func stopOnceTTFTFails(boundMs: Double, percentile: Double, requests n: Int) {
    guard n > 0, plan.workload.warmupRequests == 0, boundMs.isFinite else { return }
    let lower = Int((percentile / 100 * Double(n - 1)).rounded(.down))
    lateFirstTokenLimit = n - lower
    for r in schedulers.indices { schedulers[r].lateAfterMs = boundMs }
  }

  /// Takes scheduler `r`'s count of late first tokens; stops the run at the limit.
  mutating func countLateFirstTokens(_ r: Int) {
    lateFirstTokens += Int(schedulers[r].lateFirstTokens)
    schedulers[r].lateFirstTokens = 0
    if lateFirstTokenLimit > 0 && lateFirstTokens >= lateFirstTokenLimit { stoppedEarly = true }
  }

  /// Stops the run once it can no longer complete its `requests` requests at
  /// `rate` requests per second or more: completions over the time from the
  /// first arrival to the last completion (`Summary.reqPerS`), which falls
  /// below `rate` for good once that time passes `requests / rate` with a
  /// request left (margin 1e-9 for rounding). Not applied with warm-up
  /// requests (their time is not counted there).
  public mutating func stopOnceThroughputFails(rate: Double, requests n: Int) {
    guard n > 0, rate > 0, plan.workload.warmupRequests == 0 else { return }
    keepUpWindow = Double(n) / rate * (1 + 1e-9)
  }
}
