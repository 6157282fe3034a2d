/// Quantities over time gathered in equal time bins, for the over-time plots.
///
/// Bin b covers [b·width, (b+1)·width) seconds. Every series of one value
/// shares the bins. A series holds either totals (tokens, request-seconds,
/// KV-use samples: `add` and `spread`, drawn as rates or means per bin) or
/// peaks (the highest value seen in the bin: `raise`), as its `Kind` says.
///
/// Two layouts:
/// - `fixed`: `count` bins of a width known beforehand (a kept run: its end
///   is known); a time before 0 goes in the first bin, one past the end in the last.
/// - `doubling`: `count` bins whose width doubles whenever a later time
///   arrives (pairs of bins merge: totals add, peaks take the larger), so a
///   run of any length fits in fixed memory (a streamed run).
struct TimeBins {
  /// What a series' bins hold.
  enum Kind {
    /// The sum of the amounts added in the bin.
    case total
    /// The largest value raised to in the bin (0 when none).
    case peak
  }

  enum Layout {
    case fixed
    case doubling
  }

  let layout: Layout
  /// Number of bins.
  let count: Int
  /// Bin width, in seconds.
  private(set) var width: Double
  /// The latest time covered, in seconds (`doubling` only; 0 for `fixed`).
  private(set) var end = 0.0
  private(set) var kinds: [Kind] = []
  /// Per series, the value of each bin.
  private(set) var series: [[Double]] = []

  /// Bins of `width` seconds, `count` of them.
  init(layout: Layout, count: Int, width: Double) {
    self.layout = layout
    self.count = max(count, 1)
    self.width = width
  }

  /// `count` bins covering `end` seconds (width 1 s when `end` is not positive).
  init(count: Int, covering end: Double) {
    self.init(layout: .fixed, count: count, width: end > 0 ? end / Double(max(count, 1)) : 1)
  }

  /// Adds a series of `kind`, all bins 0.
  ///
  /// - Returns: its index.
  @discardableResult
  mutating func addSeries(_ kind: Kind) -> Int {
    kinds.append(kind)
    series.append([Double](repeating: 0, count: count))
    return series.count - 1
  }

  /// The bin of time `t`, in seconds.
  @inline(__always)
  func bin(_ t: Double) -> Int { min(max(Int(t / width), 0), count - 1) }

  /// Doubling layout: widens the bins until `t` (seconds) falls inside them.
  mutating func cover(_ t: Double) {
    guard layout == .doubling, t.isFinite else { return }
    end = max(end, t)
    while t >= width * Double(count) {
      for s in series.indices {
        for i in 0..<(count / 2) {
          let (a, b) = (series[s][2 * i], series[s][2 * i + 1])
          series[s][i] = kinds[s] == .total ? a + b : max(a, b)
        }
        for i in (count / 2)..<count { series[s][i] = 0 }
      }
      width *= 2
    }
  }

  /// Adds `amount` to the bin of time `t` of a total series.
  mutating func add(_ amount: Double, at t: Double, to s: Int) {
    cover(t)
    series[s][bin(t)] += amount
  }

  /// Adds `amount` to a total series spread evenly over [a, b) seconds, each
  /// bin getting the share of the interval it covers (all in the bin of `a`
  /// when the interval is empty).
  mutating func spread(_ amount: Double, from a: Double, to b: Double, into s: Int) {
    cover(max(a, b))
    guard b > a else {
      series[s][bin(a)] += amount
      return
    }
    var t = a
    while t < b {
      let k = bin(t)
      let binEnd = min(Double(k + 1) * width, b)
      if binEnd <= t { break }
      series[s][k] += amount * (binEnd - t) / (b - a)
      t = binEnd
    }
  }

  /// Raises the bin of time `t` of a peak series to `value` if it is higher.
  mutating func raise(to value: Double, at t: Double, in s: Int) {
    cover(t)
    let k = bin(t)
    series[s][k] = max(series[s][k], value)
  }

  /// Adjacent bins taken together so that about `target` groups cover the
  /// time seen (doubling layout; a fixed layout covers all its bins): the
  /// group size in bins and the number of groups.
  func grouping(target: Int) -> (size: Int, count: Int) {
    let used =
      layout == .fixed ? count : min(count, max(1, Int((end / width).rounded(.up))))
    let size = max(1, used / max(target, 1))
    return (size, (used + size - 1) / size)
  }

  /// `values` (one per bin) summed over the groups of `grouping(target:)`.
  func grouped(_ values: [Double], target: Int) -> [Double] {
    let (size, groups) = grouping(target: target)
    return (0..<groups).map { g in values[(g * size)..<min((g + 1) * size, count)].reduce(0, +) }
  }
}
