/// Percentiles of plain samples.
public enum Percentile {
  /// The p-th percentile (0...100) of `sorted` (ascending) by linear
  /// interpolation between order statistics (numpy's default `linear` method):
  /// position p/100·(n−1), value x[⌊pos⌋] + frac·(x[⌊pos⌋+1] − x[⌊pos⌋]).
  public static func of(sorted: [Double], _ p: Double) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let position = p / 100 * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
  }
}
