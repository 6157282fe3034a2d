/// Disaggregated serving (DistServe, Zhong et al. OSDI 2024; Splitwise, Patel
/// et al. ISCA 2024; Mooncake, Qin et al. 2024): prefill and decode run on
/// separate pools of replicas, and each request's KV cache moves from its
/// prefill replica to a decode replica once its prompt is processed.
public struct Disaggregation: Sendable, Equatable {
  /// One pool: its replicas, their tensor degree and the devices they run on,
  /// and, for a mixture-of-experts model, its expert parallelism and
  /// attention data parallelism (the wide-EP "DEP" pools of NVIDIA Dynamo's
  /// and SGLang's disaggregated DeepSeek recipes: a prefill pool of DEP4-8
  /// workers and a decode pool of DEP8-48 workers).
  public struct Pool: Sendable, Equatable {
    /// Replicas in the pool.
    public var replicas: Int
    /// Devices of one replica.
    public var tensor: Int
    /// The cluster the pool runs on (the plan's cluster unless given).
    public var cluster: ClusterSpec
    /// Expert-parallel degree of a replica's MoE layers; nil takes the plan's
    /// `parallelism.expert`, capped at `tensor`.
    public var expert: Int?
    /// Attention data-parallel ranks of one replica (`Parallelism.attentionData`;
    /// 1: off).
    public var attentionData: Int

    public init(replicas: Int, tensor: Int, cluster: ClusterSpec, expert: Int? = nil, attentionData: Int = 1)
    {
      self.replicas = replicas
      self.tensor = tensor
      self.cluster = cluster
      self.expert = expert
      self.attentionData = attentionData
    }

    public var devices: Int { replicas * tensor }

    /// The pool's layout in words: "2 x tensor 8 (expert 8, attention data 8)".
    public func layout(planExpert: Int = 1) -> String {
      let p = parallelism(planExpert: planExpert)
      var extras = [String]()
      if p.expert > 1 { extras.append("expert \(p.expert)") }
      if p.attentionData > 1 { extras.append("attention data \(p.attentionData)") }
      return "\(replicas) x tensor \(tensor)" + (extras.isEmpty ? "" : " (\(extras.joined(separator: ", ")))")
    }

    /// The pool's parallelism, with the plan's expert degree `planExpert`
    /// where the pool names none.
    public func parallelism(planExpert: Int = 1) -> Parallelism {
      var p = Parallelism(data: replicas, tensor: tensor, expert: expert ?? min(planExpert, tensor))
      p.attentionData = attentionData
      return p
    }

    /// The pool's parallelism under a plan whose own is `plan`: its expert
    /// degree where the pool names none, and its redundant experts
    /// (`Parallelism.redundantExperts`).
    public func parallelism(plan: Parallelism) -> Parallelism {
      var p = parallelism(planExpert: plan.expert)
      p.redundantExperts = plan.redundantExperts
      return p
    }
  }

  /// Both pools in words, with the plan's expert degree `planExpert` where a
  /// pool names none: "prefill 1 x tensor 8 on NVIDIA H200, decode 2 x
  /// tensor 8 (expert 8) on NVIDIA H200".
  public func poolsDescription(planExpert: Int = 1) -> String {
    "prefill \(prefill.layout(planExpert: planExpert)) on \(prefill.cluster.device.name), decode \(decode.layout(planExpert: planExpert)) on \(decode.cluster.device.name)"
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
