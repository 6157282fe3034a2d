/// Shares of the simulated device time priced from measurements, from the
/// fitted model and from the datasheet roofline (0...1 each, summing to 1).
public struct TimeShares: Sendable, Equatable, Codable {
  public var measured: Double
  public var fitted: Double
  public var datasheet: Double
}
