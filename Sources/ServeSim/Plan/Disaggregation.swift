/// Disaggregated serving (DistServe, Zhong et al. OSDI 2024; Splitwise, Patel
/// et al. ISCA 2024; Mooncake, Qin et al. 2024): prefill and decode run on
/// separate pools of replicas, and each request's KV cache moves from its
/// prefill replica to a decode replica once its prompt is processed.
public struct Disaggregation: Sendable, Equatable {
  /// One pool: its replicas, their tensor degree and the devices they run on.
  public struct Pool: Sendable, Equatable {
    /// Replicas in the pool.
    public var replicas: Int
    public var tensor: Int
    /// The cluster the pool runs on (the plan's cluster unless given).
    public var cluster: ClusterSpec

    public init(replicas: Int, tensor: Int, cluster: ClusterSpec) {
      self.replicas = replicas
      self.tensor = tensor
      self.cluster = cluster
    }

    public var devices: Int { replicas * tensor }

    public var parallelism: Parallelism { Parallelism(data: replicas, tensor: tensor) }
  }

  public var prefill: Pool
  public var decode: Pool
  /// The link KV caches cross from prefill to decode (per device, per direction).
  public var transferLink: LinkSpec

  /// Pools joined by `transferLink`, or when nil by the default link
  /// (`defaultTransferLink`).
  ///
  /// - Parameter cluster: the plan's cluster.
  public init(prefill: Pool, decode: Pool, transferLink: LinkSpec?, cluster: ClusterSpec) {
    self.init(
      prefill: prefill, decode: decode,
      transferLink: transferLink
        ?? Self.defaultTransferLink(prefill: prefill, decode: decode, cluster: cluster))
  }

  public init(prefill: Pool, decode: Pool, transferLink: LinkSpec) {
    self.prefill = prefill
    self.decode = decode
    self.transferLink = transferLink
  }

  /// The link KV caches cross when a plan names none: the plan cluster's
  /// intra-node link when both pools share one cluster and fit in one of its
  /// link domains (a node, or an NVLink domain across nodes), else the
  /// prefill cluster's inter-node link (its intra-node link when it has none).
  public static func defaultTransferLink(prefill: Pool, decode: Pool, cluster: ClusterSpec) -> LinkSpec {
    if prefill.cluster == decode.cluster && prefill.devices + decode.devices <= cluster.linkDomain {
      return cluster.intraNode
    }
    return prefill.cluster.interNode ?? prefill.cluster.intraNode
  }
}
