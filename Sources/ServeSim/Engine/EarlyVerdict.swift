/// The counts that settle a capacity probe's failure before its run ends
/// (`Simulator.stopOnceTTFTFails`, `Simulator.stopOnceTPOTFails`).
///
/// A probe fails when a percentile of its TTFTs or TPOTs exceeds the SLO's
/// bound, over the whole run (`CapacitySearch.passes`, the summary's kept
/// percentile) or over its second half by ID (`CapacitySearch.lateLatencies`,
/// the SLO's percentile). A percentile p of m values, interpolated between
/// the order statistics at ⌊p/100 · (m − 1)⌋ and the next (`Percentile.of`),
/// exceeds a bound once m − ⌊p/100 · (m − 1)⌋ of the values do; that count
/// never falls as m falls, so the number of requests the run (or its second
/// half) can measure gives a safe limit.
///
/// A TTFT is known to be late as soon as its deadline, arrival plus the
/// bound, has passed without a first token: the cursor passes requests in ID
/// order once their deadlines are behind the clock and counts those with no
/// first token by then or a late one, so a growing queue is seen as it
/// grows, not once its requests are served. A TPOT is counted when its
/// request finishes. A request dropped at arrival has neither and is not
/// counted; one not yet arrived stops the cursor.
struct EarlyVerdict: Sendable {
  /// The TTFT bound, in milliseconds (infinity: TTFTs are not watched).
  private(set) var ttftBoundMs = Double.infinity
  /// The TPOT bound, in milliseconds (infinity: TPOTs are not watched).
  private(set) var tpotBoundMs = Double.infinity
  /// Late TTFTs over the whole run, and over its second half, that settle the
  /// failure (0: that test is not watched).
  private(set) var ttftLimits = (whole: 0, half: 0)
  /// The same for TPOTs.
  private(set) var tpotLimits = (whole: 0, half: 0)
  /// The first request ID of the run's second half (`lateLatencies`).
  private(set) var halfStart = Int.max
  /// The next request whose TTFT deadline the cursor has not passed.
  private(set) var cursor = 0
  /// Late TTFTs counted, over the whole run and over its second half.
  private(set) var lateTTFTs = (whole: 0, half: 0)
  /// Late TPOTs counted, the same way.
  private(set) var lateTPOTs = (whole: 0, half: 0)
  /// Whether a count reached its limit: the probe fails.
  private(set) var failed = false

  /// Whether TTFT deadlines are watched.
  var watchesTTFT: Bool { ttftBoundMs < .infinity }
  /// Whether finished requests' TPOTs are watched.
  var watchesTPOT: Bool { tpotBoundMs < .infinity }

  /// The late values among `count` that put the `percentile`-th percentile
  /// over a bound (0 for no values: never).
  static func limit(percentile: Double, count: Int) -> Int {
    guard count > 0 else { return 0 }
    return count - Int((percentile / 100 * Double(count - 1)).rounded(.down))
  }

  /// Watches TTFTs against `boundMs`: the whole run's `percentile`-th
  /// percentile over at most `requests` values and, with `halfPercentile`,
  /// that percentile over the second half of the IDs.
  mutating func watchTTFT(boundMs: Double, percentile: Double, halfPercentile: Double?, requests n: Int) {
    ttftBoundMs = boundMs
    ttftLimits = limits(percentile: percentile, halfPercentile: halfPercentile, requests: n)
  }

  /// Watches TPOTs against `boundMs`, as `watchTTFT` does TTFTs.
  mutating func watchTPOT(boundMs: Double, percentile: Double, halfPercentile: Double?, requests n: Int) {
    tpotBoundMs = boundMs
    tpotLimits = limits(percentile: percentile, halfPercentile: halfPercentile, requests: n)
  }

  /// The limits over the whole run of at most `n` requests and over its
  /// second half (0 without `halfPercentile`), which starts at ID n / 2.
  private mutating func limits(percentile: Double, halfPercentile: Double?, requests n: Int) -> (
    whole: Int, half: Int
  ) {
    halfStart = n / 2
    return (
      Self.limit(percentile: percentile, count: n),
      halfPercentile.map { Self.limit(percentile: $0, count: n - n / 2) } ?? 0
    )
  }

  /// Passes the requests whose TTFT deadline lies before `clock` (seconds),
  /// counting the late ones; true once the probe has failed.
  mutating func passDeadlines(at clock: Double, _ requests: RequestWindow) -> Bool {
    // Records a streaming run has discarded are not counted.
    if cursor < requests.base { cursor = requests.base }
    while cursor < requests.endID {
      let arrival = requests[cursor].arrival
      guard (clock - arrival) * 1000 > ttftBoundMs else { break }
      let status = requests[cursor].status
      if status == .pending { break }
      if status != .dropped {
        let first = requests[cursor].firstToken
        // Without a first token by now, it comes later still.
        if first < 0 || (first - arrival) * 1000 > ttftBoundMs {
          lateTTFTs.whole += 1
          if cursor >= halfStart { lateTTFTs.half += 1 }
          if Self.reached(lateTTFTs, ttftLimits) { failed = true }
        }
      }
      cursor += 1
      if failed { break }
    }
    return failed
  }

  /// Counts the TPOT of `record`, request `id`, which has just finished;
  /// true once the probe has failed.
  mutating func countFinished(_ record: RequestRecord, id: Int) -> Bool {
    guard let tpot = record.tpot, tpot * 1000 > tpotBoundMs else { return failed }
    lateTPOTs.whole += 1
    if id >= halfStart { lateTPOTs.half += 1 }
    if Self.reached(lateTPOTs, tpotLimits) { failed = true }
    return failed
  }

  private static func reached(_ counts: (whole: Int, half: Int), _ limits: (whole: Int, half: Int)) -> Bool {
    (limits.whole > 0 && counts.whole >= limits.whole) || (limits.half > 0 && counts.half >= limits.half)
  }
}
