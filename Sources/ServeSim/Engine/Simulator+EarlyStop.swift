/// Stopping a run whose verdict is already known: a capacity probe only asks
/// whether a rate passes (`CapacitySearch`), and past a plan's capacity the
/// run's last part is its longest (a growing queue, a long drain). Once
/// enough first tokens are overdue or enough requests finished slowly that a
/// TTFT or TPOT percentile must exceed its bound whatever the rest do
/// (`EarlyVerdict`), or so much time passed that the run can no longer
/// complete its requests at the rate it must keep up with, the run stops;
/// the probe fails as the whole run would have.
extension Simulator {
  /// Stops the run once the `percentile`-th percentile of its TTFTs must
  /// exceed `boundMs`, for a run of at most `requests` measured requests,
  /// and, with `halfPercentile`, once that percentile of the TTFTs of its
  /// second half by ID must (`CapacitySearch.lateLatencies`).
  ///
  /// A first token is late once its deadline, arrival plus the bound, has
  /// passed without it (`EarlyVerdict`); the limits are the counts of late
  /// values that put the percentiles over the bound. `percentile` is the one
  /// the summary keeps (50, 90 or 99: `LatencyStats.at`). Not applied with
  /// warm-up requests (not measured, but counted here).
  public mutating func stopOnceTTFTFails(
    boundMs: Double, percentile: Double, requests n: Int, halfPercentile: Double? = nil
  ) {
    guard n > 0, plan.workload.warmupRequests == 0, boundMs.isFinite, boundMs >= 0 else { return }
    verdict.watchTTFT(boundMs: boundMs, percentile: percentile, halfPercentile: halfPercentile, requests: n)
  }

  /// Stops the run once the `percentile`-th percentile of its TPOTs must
  /// exceed `boundMs` (and, with `halfPercentile`, that of its second half),
  /// counting each request's TPOT when it finishes; as `stopOnceTTFTFails`.
  public mutating func stopOnceTPOTFails(
    boundMs: Double, percentile: Double, requests n: Int, halfPercentile: Double? = nil
  ) {
    guard n > 0, plan.workload.warmupRequests == 0, boundMs.isFinite, boundMs >= 0 else { return }
    verdict.watchTPOT(boundMs: boundMs, percentile: percentile, halfPercentile: halfPercentile, requests: n)
  }

  /// Counts the TTFT deadlines the clock has passed; stops the run once its
  /// verdict is a failure.
  @inline(__always)
  mutating func passDeadlines() {
    if verdict.passDeadlines(at: clock, requests) { stoppedEarly = true }
  }

  /// Counts the TPOT of request `id`, just finished; stops the run once its
  /// verdict is a failure.
  mutating func countFinished(_ id: Int) {
    if verdict.countFinished(requests[id], id: id) { stoppedEarly = true }
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
