/// A cluster: identical nodes of identical devices, a link inside each node and
/// a network between nodes.
public struct ClusterSpec: Sendable, Equatable {
  public var name: String
  public var nodes: Int
  public var devicesPerNode: Int
  public var device: DeviceSpec
  public var intraNode: LinkSpec
  public var interNode: LinkSpec?

  public init(
    name: String, nodes: Int, devicesPerNode: Int, device: DeviceSpec, intraNode: LinkSpec,
    interNode: LinkSpec?
  ) {
    self.name = name
    self.nodes = nodes
    self.devicesPerNode = devicesPerNode
    self.device = device
    self.intraNode = intraNode
    self.interNode = interNode
  }

  /// All devices of the cluster.
  public var deviceCount: Int { nodes * devicesPerNode }
}
