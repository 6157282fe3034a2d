/// Latency targets.
public struct ServiceLevel: Sendable, Equatable {
  /// Time to first token target, in milliseconds.
  public var ttftMs: Double
  /// Time per output token target, in milliseconds.
  public var tpotMs: Double
  /// The percentile the targets are judged at (reported; attainment is per request).
  public var percentile: Double

  public init(ttftMs: Double, tpotMs: Double, percentile: Double) {
    self.ttftMs = ttftMs
    self.tpotMs = tpotMs
    self.percentile = percentile
  }
}
