/// What the optimizer ranks plans by.
public enum SearchObjective: String, Sendable, CaseIterable {
  /// Highest capacity (requests per second meeting the SLO) per device.
  case goodputPerDevice = "goodput-per-device"
  /// Highest capacity per dollar per hour of devices.
  case goodputPerDollar = "goodput-per-dollar"
  /// Fewest devices that sustain `required_rate` under the SLO.
  case minDevices = "min-devices"
  /// Lowest cost per hour that sustains `required_rate` under the SLO.
  case minCost = "min-cost"
  /// Lowest p-th percentile end-to-end latency at `required_rate`.
  case minLatency = "min-latency"
  /// Lowest energy per output token at `required_rate`.
  case minEnergy = "min-energy"

  /// Whether the objective needs a capacity search (else one run at the required rate).
  public var needsCapacity: Bool {
    switch self {
    case .goodputPerDevice, .goodputPerDollar, .minDevices, .minCost: true
    case .minLatency, .minEnergy: false
    }
  }
}
