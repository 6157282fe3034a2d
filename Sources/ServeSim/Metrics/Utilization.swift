/// Busy shares over a run (0...1): busy device-seconds over devices × duration.
public struct Utilization: Sendable, Equatable, Codable {
  /// Of all devices.
  public var device: Double
  /// Of the prefill and the decode pool (nil when not disaggregated).
  public var prefillPool: Double?
  public var decodePool: Double?
}
