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

  /// From samples in seconds: the percentiles' order statistics are found by
  /// selection (`WeightedSelection`, each sample of weight 1), not a sort,
  /// and interpolated as `Percentile.of(sorted:_:)` does.
  init(sorting samples: inout [Double]) {
    let n = samples.count
    count = n
    guard n > 0 else {
      (mean, p50, p90, p99) = (0, 0, 0, 0)
      return
    }
    mean = samples.reduce(0, +) / Double(n) * 1000
    let percentiles = [50.0, 90, 99]
    // The two order statistics around each percentile's position, ascending
    // (for few samples they coincide or interleave).
    var ranks = [Int64]()
    for p in percentiles {
      let lower = Int((p / 100 * Double(n - 1)).rounded(.down))
      ranks.append(Int64(lower))
      ranks.append(Int64(min(lower + 1, n - 1)))
    }
    let ascending = Array(Set(ranks)).sorted()
    let found = WeightedSelection.values(of: samples, weights: nil, at: ascending)
    func value(_ rank: Int64) -> Double {
      var i = 0
      while ascending[i] != rank { i += 1 }
      return found[i]
    }
    var q = [Double]()
    for (i, p) in percentiles.enumerated() {
      let position = p / 100 * Double(n - 1)
      let fraction = position - position.rounded(.down)
      let lower = value(ranks[2 * i])
      q.append((lower + (value(ranks[2 * i + 1]) - lower) * fraction) * 1000)
    }
    (p50, p90, p99) = (q[0], q[1], q[2])
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
