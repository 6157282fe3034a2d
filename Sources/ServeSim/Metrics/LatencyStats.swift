/// Mean and percentiles of a latency, in milliseconds (0 when there are no samples).
public struct LatencyStats: Sendable, Equatable, Codable {
  public var count: Int
  public var mean: Double
  public var p50: Double
  public var p90: Double
  public var p99: Double

  /// From samples in seconds.
  public init(seconds: [Double]) {
    var samples = seconds
    self.init(sorting: &samples)
  }

  /// From samples in seconds: exact ones are sorted in place (no copy:
  /// streaming summaries hold millions), folded ones read from their histogram.
  public init(_ samples: inout LatencySamples) {
    if let histogram = samples.histogram {
      self.init(
        count: samples.count, mean: samples.count > 0 ? samples.sum / Double(samples.count) * 1000 : 0,
        p50: (histogram.percentile(50) ?? 0) * 1000, p90: (histogram.percentile(90) ?? 0) * 1000,
        p99: (histogram.percentile(99) ?? 0) * 1000)
      return
    }
    var values = samples.exact
    samples = LatencySamples()
    self.init(sorting: &values)
  }

  init(count: Int, mean: Double, p50: Double, p90: Double, p99: Double) {
    (self.count, self.mean, self.p50, self.p90, self.p99) = (count, mean, p50, p90, p99)
  }

  /// From samples in seconds, sorting them in place.
  init(sorting samples: inout [Double]) {
    samples.sort()
    let sorted = samples
    count = sorted.count
    mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count) * 1000
    p50 = (Percentile.of(sorted: sorted, 50) ?? 0) * 1000
    p90 = (Percentile.of(sorted: sorted, 90) ?? 0) * 1000
    p99 = (Percentile.of(sorted: sorted, 99) ?? 0) * 1000
  }

  /// From weighted samples in seconds.
  public init(_ samples: WeightedSamples) {
    count = Int(samples.count)
    mean = (samples.mean ?? 0) * 1000
    let q = samples.percentiles([50, 90, 99])
    p50 = (q[0] ?? 0) * 1000
    p90 = (q[1] ?? 0) * 1000
    p99 = (q[2] ?? 0) * 1000
  }
}
