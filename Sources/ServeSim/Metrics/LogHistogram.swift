/// Counts of positive values in log-linear buckets: 4,096 buckets per power of
/// two, from 2⁻⁴⁰ to 2²⁴ (about a picosecond to 190 days, in seconds), so any
/// value in range is known to within 2⁻¹² of itself (HdrHistogram's scheme,
/// read straight off the bits of the double).
///
/// Memory is fixed (2 MiB) however many values are added: streaming summaries
/// of tens of millions of requests fold their latency samples into one when
/// the exact samples would outgrow their limit.
public struct LogHistogram: Sendable, Equatable {
  static let mantissaBits: UInt64 = 12
  static let minExponent = -40
  static let maxExponent = 24
  /// The bucket key (exponent and top mantissa bits) of 2^minExponent.
  static let minKey = UInt64(1023 + minExponent) << mantissaBits
  static let bucketCount = (maxExponent - minExponent) << Int(mantissaBits)

  private var counts: [UInt64]
  /// Values at or below zero (zero waits in a queue, for one).
  private var zeros: UInt64 = 0
  /// Σ weights.
  public private(set) var total: UInt64 = 0

  public init() { counts = [UInt64](repeating: 0, count: Self.bucketCount) }

  /// Adds `value` `weight` times (values beyond the range count in the end buckets).
  public mutating func add(_ value: Double, weight: UInt64 = 1) {
    total += weight
    guard value > 0 else {
      zeros += weight
      return
    }
    let key = value.bitPattern >> (52 - Self.mantissaBits)
    let index = key < Self.minKey ? 0 : min(Int(key - Self.minKey), Self.bucketCount - 1)
    counts[index] += weight
  }

  /// The middle of bucket `index`.
  static func midpoint(_ index: Int) -> Double {
    let shift = 52 - mantissaBits
    let lower = Double(bitPattern: (UInt64(index) + minKey) << shift)
    let upper = Double(bitPattern: (UInt64(index) + 1 + minKey) << shift)
    return (lower + upper) / 2
  }

  /// Calls `body` with each non-empty bucket's middle (0 for the zeros) and
  /// count, in increasing order.
  public func forEachBucket(_ body: (Double, UInt64) -> Void) {
    if zeros > 0 { body(0, zeros) }
    for index in counts.indices where counts[index] > 0 { body(Self.midpoint(index), counts[index]) }
  }

  /// The `rank`-th smallest value (0-based), as its bucket's middle.
  func value(atRank rank: UInt64) -> Double {
    if rank < zeros { return 0 }
    var seen = zeros
    for index in counts.indices where counts[index] > 0 {
      seen += counts[index]
      if rank < seen { return Self.midpoint(index) }
    }
    return Self.midpoint(Self.bucketCount - 1)
  }

  /// The p-th percentile (0...100) by linear interpolation between order
  /// statistics (numpy's default), each known to within 2⁻¹³ of itself; nil
  /// when empty.
  public func percentile(_ p: Double) -> Double? {
    guard total > 0 else { return nil }
    let position = p / 100 * Double(total - 1)
    let lower = UInt64(position.rounded(.down))
    let fraction = position - Double(lower)
    let a = value(atRank: lower)
    let b = lower + 1 < total ? value(atRank: lower + 1) : a
    return a + (b - a) * fraction
  }
}
