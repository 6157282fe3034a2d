/// Times a kernel: warm-up, then repeated timing with a monotonic clock
/// until the median is stable, outliers rejected.
public struct KernelTimer: Sendable {
  /// Fewest timed repetitions.
  public var minRepeats = 5
  /// Most timed repetitions.
  public var maxRepeats = 200
  /// Wall time one shape may take (warm-up excluded) before its median is
  /// taken as it is, in seconds.
  public var budgetSeconds = 0.25
  /// Relative change of the median below which it counts as stable.
  public var stableWithin = 0.02

  public init(minRepeats: Int = 5, maxRepeats: Int = 200, budgetSeconds: Double = 0.25) {
    self.minRepeats = minRepeats
    self.maxRepeats = maxRepeats
    self.budgetSeconds = budgetSeconds
  }

  /// The result of timing one kernel.
  public struct Sample: Sendable, Equatable {
    /// Median, in seconds.
    public var median: Double
    /// Interquartile range, in seconds.
    public var spread: Double
    /// Repetitions kept after outlier rejection.
    public var repeats: Int
    /// Repetitions rejected as outliers.
    public var rejected: Int
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// Runs `kernel` once to warm up (and once more if that took under 10 ms),
  /// then times it until the median of the last third of the samples agrees
  /// with the median of all within `stableWithin`, or the budget is spent.
  public func time(_ kernel: () -> Void) -> Sample {
    let clock = ContinuousClock()
    let warm = clock.measure(kernel)
    if Self.seconds(warm) < 0.01 { kernel() }
    var samples = [Double]()
    let start = clock.now
    while samples.count < maxRepeats {
      samples.append(Self.seconds(clock.measure(kernel)))
      let spent = Self.seconds(start.duration(to: clock.now))
      if samples.count >= minRepeats {
        let all = Self.median(samples)
        let recent = Self.median(Array(samples.suffix(max(samples.count / 3, 3))))
        if abs(recent - all) <= stableWithin * all && samples.count >= minRepeats { break }
      }
      if spent > budgetSeconds && samples.count >= 3 { break }
    }
    return Self.summarise(samples)
  }

  /// Median and interquartile range after dropping samples outside Tukey's
  /// fences (beyond 1.5 interquartile ranges from the quartiles).
  public static func summarise(_ raw: [Double]) -> Sample {
    let sorted = raw.sorted()
    guard !sorted.isEmpty else { return Sample(median: 0, spread: 0, repeats: 0, rejected: 0) }
    let q1 = quantile(sorted, 0.25)
    let q3 = quantile(sorted, 0.75)
    let iqr = q3 - q1
    let kept = sorted.filter { $0 >= q1 - 1.5 * iqr && $0 <= q3 + 1.5 * iqr }
    let use = kept.isEmpty ? sorted : kept
    return Sample(
      median: quantile(use, 0.5), spread: quantile(use, 0.75) - quantile(use, 0.25),
      repeats: use.count, rejected: sorted.count - use.count)
  }

  static func median(_ values: [Double]) -> Double { quantile(values.sorted(), 0.5) }

  /// Linear interpolation between order statistics of sorted values.
  static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down))
    let high = min(low + 1, sorted.count - 1)
    let t = position - Double(low)
    return sorted[low] * (1 - t) + sorted[high] * t
  }
}
