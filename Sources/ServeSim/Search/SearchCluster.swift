/// A cluster the optimizer may use, with how many of its devices.
public struct SearchCluster: Sendable, Equatable {
  public var cluster: ClusterSpec
  /// Most devices a plan may use (at most the cluster's).
  public var maxDevices: Int
  /// Measured kernel times of the cluster's device, which the cost model
  /// prefers to the datasheet (nil: datasheet only).
  public var calibration: Calibration?

  public init(cluster: ClusterSpec, maxDevices: Int) {
    self.cluster = cluster
    self.maxDevices = min(maxDevices, cluster.deviceCount)
  }
}
