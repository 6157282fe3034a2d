/// A link between devices: NVLink, HCCS, PCIe, InfiniBand, RoCE or Ethernet.
public struct LinkSpec: Sendable, Equatable {
  public var kind: String
  /// Bandwidth per device per direction, in GB/s.
  public var bandwidthGBps: Double
  /// Fixed latency of one message (one algorithm step), in microseconds.
  public var latencyUs: Double
  /// Achieved fraction of `bandwidthGBps` by collectives (0...1].
  public var efficiency: Double
  public var topology: String
  /// Whether `latencyUs` and `efficiency` are a fit of measured collectives
  /// (on this link, or on one of its kind and carried with its datasheet
  /// bandwidth, as the H100 DGX's NCCL fit is to NVLink 5): the collectives
  /// priced from the link then count as fitted, not datasheet, in the cost
  /// sources (`CommGroup.estimate`). The cluster file's `fitted: true`.
  public var fitted = false

  public init(
    kind: String, bandwidthGBps: Double, latencyUs: Double, efficiency: Double,
    topology: String
  ) {
    self.kind = kind
    self.bandwidthGBps = bandwidthGBps
    self.latencyUs = latencyUs
    self.efficiency = efficiency
    self.topology = topology
  }

  /// Achieved bandwidth, in bytes per second.
  public var bytesPerSecond: Double { bandwidthGBps * 1e9 * efficiency }
}
