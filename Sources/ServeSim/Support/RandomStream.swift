/// The independent random streams of one simulation.
public enum RandomStream: UInt64, Sendable {
  case arrivals = 1
  case inputLengths = 2
  case outputLengths = 3
  case routing = 4
  case prefixGroups = 5
  /// Acceptance of speculative draft tokens (one stream per scheduler).
  case speculation = 6
  /// Each request's speculative acceptance level (`Speculation.level`).
  case acceptanceLevels = 7
}
