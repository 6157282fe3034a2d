/// A cluster: identical nodes of identical devices, a link inside each node and
/// a network between nodes.
public struct ClusterSpec: Sendable, Equatable {
  public var name: String
  public var nodes: Int
  public var devicesPerNode: Int
  public var device: DeviceSpec
  public var intraNode: LinkSpec
  public var interNode: LinkSpec?
  /// Devices that reach each other over `intraNode`: a node, or a
  /// multi-node NVLink domain (GB200 NVL72: 18 trays of 4 GPUs behind one
  /// NVLink switch fabric, so a group of up to 72 GPUs never uses the
  /// inter-node network). A multiple of `devicesPerNode`; set to it by `init`.
  public var linkDomain: Int

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
    linkDomain = devicesPerNode
  }

  /// All devices of the cluster.
  public var deviceCount: Int { nodes * devicesPerNode }
}
