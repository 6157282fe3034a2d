/// `scheduler.kv_offload` as a plan file gives it: each figure left nil takes
/// the cluster's default (`KVOffload.defaults(for:)`).
public struct KVOffloadSettings: Sendable, Equatable {
  /// Host memory for offloaded KV blocks per device, in GB.
  public var capacityGB: Double?
  /// Achieved device–host bandwidth per device per direction, in GB/s.
  public var bandwidthGBps: Double?
  /// Fixed latency of one transfer, in microseconds.
  public var latencyUs: Double?

  public init(capacityGB: Double? = nil, bandwidthGBps: Double? = nil, latencyUs: Double? = nil) {
    self.capacityGB = capacityGB
    self.bandwidthGBps = bandwidthGBps
    self.latencyUs = latencyUs
  }

  /// The tier on `cluster`, with these settings in place of its defaults.
  public func resolved(for cluster: ClusterSpec) -> KVOffload {
    var tier = KVOffload.defaults(for: cluster)
    tier.capacityGB = capacityGB ?? tier.capacityGB
    tier.bandwidthGBps = bandwidthGBps ?? tier.bandwidthGBps
    tier.latencyUs = latencyUs ?? tier.latencyUs
    return tier
  }
}
