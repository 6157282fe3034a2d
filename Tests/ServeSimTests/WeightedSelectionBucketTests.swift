import Testing

@testable import ServeSim

/// The bucketed selection (`WeightedSelection.values(of:weights:at:)` from
/// `bucketedFrom` samples on) finds the same order statistics as a sort.
struct WeightedSelectionBucketTests {
  /// The value at each 0-based weighted rank, by sorting the pairs.
  static func sortedValues(_ values: [Double], _ weights: [Int64], at ranks: [Int64]) -> [Double] {
    let pairs = zip(values, weights).sorted { $0.0 < $1.0 }
    return ranks.map { rank in
      var below: Int64 = 0
      for (value, weight) in pairs {
        if rank < below + weight { return value }
        below += weight
      }
      return .nan
    }
  }

  @Test func bucketsFindTheSortedOrderStatistics() {
    var rng = SplitMix64(seed: 11)
    let n = WeightedSelection.bucketedFrom * 3 + 7
    // Spread values, a few hundred distinct ones (runs of equal gaps), one
    // value, and signs mixed with outliers.
    let draws: [(Int) -> Double] = [
      { _ in Double(rng.next() % 1_000_000) / 1e6 },
      { _ in 0.010 + Double(rng.next() % 300) * 1e-5 },
      { _ in 0.25 },
      { i in i % 97 == 0 ? 1e6 : (Double(rng.next() % 2_000) - 1_000) / 7 },
    ]
    for (d, draw) in draws.enumerated() {
      let values = (0..<n).map { draw($0) }
      let weights = (0..<n).map { _ in Int64(rng.next() % 5 + 1) }
      let total = weights.reduce(0, +)
      let ranks = [0, 1, total / 2, total / 2 + 1, total * 9 / 10, total * 99 / 100, total - 1]
      #expect(
        WeightedSelection.values(of: values, weights: weights, at: ranks)
          == Self.sortedValues(values, weights, at: ranks), "draw \(d)")
      let ones = [Int64](repeating: 1, count: n)
      let unitRanks = [0, Int64(n / 2), Int64(n * 99 / 100), Int64(n - 1)]
      #expect(
        WeightedSelection.values(of: values, weights: nil, at: unitRanks)
          == Self.sortedValues(values, ones, at: unitRanks), "draw \(d), unit weights")
    }
  }
}
