/// Latency samples in seconds: kept exactly up to `exactLimit` of them, then
/// folded into a `LogHistogram` (bounded memory for streaming summaries; the
/// mean stays exact).
public struct LatencySamples: Sendable {
  public private(set) var exact: [Double] = []
  public private(set) var histogram: LogHistogram?
  /// Σ samples and their number (for the mean once folded).
  public private(set) var sum = 0.0
  public private(set) var count = 0
  public let exactLimit: Int

  public init(exactLimit: Int = .max) { self.exactLimit = exactLimit }

  public mutating func reserveCapacity(_ n: Int) { exact.reserveCapacity(min(n, exactLimit)) }

  public mutating func append(_ value: Double) {
    sum += value
    count += 1
    if histogram != nil {
      histogram?.add(value)
    } else if exact.count < exactLimit {
      exact.append(value)
    } else {
      var folded = LogHistogram()
      for v in exact { folded.add(v) }
      folded.add(value)
      histogram = folded
      exact = []
    }
  }
}
