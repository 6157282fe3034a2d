/// One iteration of one replica, as reported in `iterations.csv`.
public struct IterationRecord: Sendable, Equatable {
  public var replica: Int32
  public var stage: Int32
  /// Start, in simulated seconds.
  public var start: Double
  /// Duration, in seconds.
  public var duration: Double
  public var prefillTokens: Int32
  public var decodeTokens: Int32
  public var batchSize: Int32
  /// KV-cache blocks in use when the iteration ran.
  public var kvBlocksUsed: Int32
}
