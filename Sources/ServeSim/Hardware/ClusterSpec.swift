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
  /// The link between each device and its node's host memory (PCIe), for the
  /// host KV tier (`KVOffload`); `LinkSpec.defaultHost` when the file has none.
  public var hostLink: LinkSpec
  /// Host (CPU) memory of one node, in GB (10⁹ bytes); nil when the file does not say.
  public var hostMemoryGB: Double?

  public init(
    name: String, nodes: Int, devicesPerNode: Int, device: DeviceSpec, intraNode: LinkSpec,
    interNode: LinkSpec?, hostLink: LinkSpec = .defaultHost, hostMemoryGB: Double? = nil
  ) {
    self.name = name
    self.nodes = nodes
    self.devicesPerNode = devicesPerNode
    self.device = device
    self.intraNode = intraNode
    self.interNode = interNode
    linkDomain = devicesPerNode
    self.hostLink = hostLink
    self.hostMemoryGB = hostMemoryGB
  }

  /// All devices of the cluster.
  public var deviceCount: Int { nodes * devicesPerNode }
}
