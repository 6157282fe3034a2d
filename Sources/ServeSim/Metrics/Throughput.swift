/// Rates over a run's duration (last completion minus first arrival).
public struct Throughput: Sendable, Equatable, Codable {
  /// Completed requests per second.
  public var reqPerS: Double
  /// Prompt tokens and output tokens of completed requests per second.
  public var inputTokPerS: Double
  public var outputTokPerS: Double
}
