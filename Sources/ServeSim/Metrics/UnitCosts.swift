/// What one output token costs.
public struct UnitCosts: Sendable, Equatable, Codable {
  /// Energy per output token, in joules (idle power plus the busy share of
  /// the dynamic power, over the run).
  public var energyJPerOutputTok: Double
  /// Rental price per million output tokens, in US dollars.
  public var usdPerMOutputTok: Double
}
