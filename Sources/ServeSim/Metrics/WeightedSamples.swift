/// Samples with integer weights, for percentiles over millions of pooled values
/// (inter-token latencies) that come in runs of equal values.
///
/// Percentiles treat a value of weight w as w equal order statistics, so they
/// equal those of the expanded sample exactly, until there are more than
/// `exactLimit` (value, weight) pairs: then the pairs are folded into a
/// `LogHistogram` (streaming simulations bound their memory so), percentiles
/// are within 2⁻¹³ of the exact ones and the mean stays exact.
public struct WeightedSamples: Sendable, Equatable {
  public private(set) var values: [Double] = []
  public private(set) var weights: [Int64] = []
  public private(set) var histogram: LogHistogram?
  /// Σ value × weight and Σ weight of the folded samples.
  private var foldedSum = 0.0
  private var foldedCount: Int64 = 0
  /// Pairs kept exactly before folding.
  public var exactLimit = Int.max

  public init() {}

  /// Adds `value` `weight` times.
  public mutating func add(_ value: Double, weight: Int64) {
    guard weight > 0 else { return }
    if histogram != nil {
      histogram?.add(value, weight: UInt64(weight))
      foldedSum += value * Double(weight)
      foldedCount += weight
      return
    }
    values.append(value)
    weights.append(weight)
    if values.count >= exactLimit { fold() }
  }

  private mutating func fold() {
    var folded = LogHistogram()
    for i in values.indices {
      folded.add(values[i], weight: UInt64(weights[i]))
      foldedSum += values[i] * Double(weights[i])
      foldedCount += weights[i]
    }
    histogram = folded
    values = []
    weights = []
  }

  /// Samples in all.
  public var count: Int64 { histogram != nil ? foldedCount : weights.reduce(0, +) }

  /// The p-th percentile (0...100) by linear interpolation between order
  /// statistics, as numpy's default; nil when empty.
  public func percentile(_ p: Double) -> Double? {
    percentiles([p]).first ?? nil
  }

  /// Several percentiles, by selection rather than a sort
  /// (`WeightedSelection`); the same figures as the expanded sample's.
  public func percentiles(_ ps: [Double]) -> [Double?] {
    if let histogram { return ps.map { histogram.percentile($0) } }
    let total = count
    guard total > 0 else { return ps.map { _ in nil } }
    // Each percentile interpolates between two order statistics.
    // Ranks outside the sample read its ends.
    func clamped(_ rank: Int64) -> Int64 { min(max(rank, 0), total - 1) }
    var positions = [(lower: Int64, fraction: Double)]()
    var ranks = [Int64]()
    for p in ps {
      let position = p / 100 * Double(total - 1)
      let lower = Int64(position.rounded(.down))
      positions.append((lower, position - Double(lower)))
      ranks.append(clamped(lower))
      ranks.append(clamped(lower + 1))
    }
    ranks = Array(Set(ranks)).sorted()
    let selected = WeightedSelection.values(of: values, weights: weights, at: ranks)
    let found = Dictionary(uniqueKeysWithValues: zip(ranks, selected))
    return positions.map { lower, fraction in
      guard let a = found[clamped(lower)] else { return nil }
      let b = lower + 1 < total ? found[clamped(lower + 1)] ?? a : a
      return a + (b - a) * fraction
    }
  }

  public var mean: Double? {
    let total = count
    guard total > 0 else { return nil }
    if histogram != nil { return foldedSum / Double(total) }
    var sum = 0.0
    for i in values.indices { sum += values[i] * Double(weights[i]) }
    return sum / Double(total)
  }
}
