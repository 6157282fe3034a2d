import Foundation

/// A group of ranks that communicate together (a tensor-parallel group, an
/// expert-parallel group), placed on the cluster's topology: `ranksPerNode` of
/// its ranks share a node over the intra-node link, and nodes talk over the
/// inter-node network.
public struct CommGroup: Sendable, Equatable {
  public var ranks: Int
  /// Ranks of the group on one node (the group is laid out on consecutive devices).
  public var ranksPerNode: Int
  public var intra: LinkSpec {
    didSet { intraIsPCIe = NCCLTuning.isPCIe(intra) }
  }
  public var inter: LinkSpec {
    didSet { networkIsRDMA = NCCLTuning.isRDMA(inter) }
  }
  /// NCCL's link classes, read from the links' kinds once (not per collective).
  public private(set) var intraIsPCIe: Bool
  public private(set) var networkIsRDMA: Bool
  /// Whether small in-node all-reduces may use a custom one-/two-shot kernel.
  public var customAllReduce: Bool

  public init(
    ranks: Int, ranksPerNode: Int, intra: LinkSpec, inter: LinkSpec?, customAllReduce: Bool
  ) {
    self.ranks = max(ranks, 1)
    self.ranksPerNode = max(min(ranksPerNode, ranks), 1)
    self.intra = intra
    self.inter = inter ?? intra
    intraIsPCIe = NCCLTuning.isPCIe(intra)
    networkIsRDMA = NCCLTuning.isRDMA(inter ?? intra)
    self.customAllReduce = customAllReduce
  }

  /// A group of `ranks` consecutive devices of `cluster`; `engine`'s custom
  /// all-reduce kernel serves it over NVLink or Infinity Fabric unless the
  /// plan turns it off (`customAllReduce` false). Ranks in one link domain
  /// (a node, or a multi-node NVLink domain: `ClusterSpec.linkDomain`) talk
  /// over the intra-node link, as seen by the group (`LinkSpec.seen`: a full
  /// mesh gives a group of p ranks p − 1 links). The custom kernel needs
  /// the group on one node: vLLM 0.11.0 `CustomAllreduce` (device
  /// communicators/custom_all_reduce.py: "all communicators in this group
  /// are in the same node"; on ROCm P2P "is always enabled between XGMI
  /// connected GPUs", the same kernel compiled for HIP), whose kernel SGLang
  /// 0.5 also runs; under those engines a group across the trays of an
  /// NVL72 uses NCCL over NVLink. TensorRT-LLM's PyTorch backend has a
  /// kernel of its own for a group spread over the nodes of one multi-node
  /// NVLink domain (`MNNVLAllReduce`, tensorrt_llm/_torch/distributed/
  /// ops.py in 1.0: chosen by the default `AUTO` strategy when the mapping
  /// is multi-node and the fabric supports MNNVL memory; a one-/two-shot
  /// all-reduce over fabric-mapped peer memory), so its groups up to the
  /// domain's size keep a custom kernel (`customAllReduceAcrossDomain`).
  public init(ranks: Int, cluster: ClusterSpec, engine: EngineKind, customAllReduce: Bool = true) {
    let perDomain = min(ranks, cluster.linkDomain)
    self.init(
      ranks: ranks, ranksPerNode: perDomain, intra: cluster.intraNode.seen(byGroupOf: perDomain),
      inter: cluster.interNode,
      customAllReduce: customAllReduce && engine != .mindie
        && Self.customAllReduceLinks.contains(cluster.intraNode.kind)
        && (ranks <= cluster.devicesPerNode || cluster.linkDomain == cluster.devicesPerNode
          || (Self.customAllReduceAcrossDomain.contains(engine) && ranks <= cluster.linkDomain))
    )
  }

  /// Engines whose custom all-reduce also serves a group across the nodes
  /// of one multi-node NVLink domain (TensorRT-LLM's `MNNVLAllReduce`).
  public static let customAllReduceAcrossDomain: Set<EngineKind> = [.trtllm]

  /// Link kinds an engine's custom all-reduce runs over (peer memory
  /// access): NVLink, and AMD's Infinity Fabric (xGMI).
  public static let customAllReduceLinks: Set<String> = ["nvlink", "xgmi"]

  /// The engine's custom all-reduce of `bytes` per rank when it serves this
  /// group (one node, allowed, within its size limit), in seconds; nil when
  /// NCCL does.
  public func customAllReduce(bytes: Double) -> Double? {
    guard customAllReduce, nodes == 1, ranks > 1, bytes <= Collectives.customAllReduceMaxBytes else {
      return nil
    }
    return Collectives.customAllReduce(bytes: bytes, ranks: ranks, link: intra)
  }

  /// A group of the first `ranks` ranks of this one, on the same links.
  public func subgroup(ranks: Int) -> CommGroup {
    let perNode = min(ranks, ranksPerNode)
    return CommGroup(
      ranks: ranks, ranksPerNode: perNode, intra: intra.reseen(from: ranksPerNode, to: perNode),
      inter: inter, customAllReduce: customAllReduce)
  }

  /// Nodes the group spans.
  public var nodes: Int { (ranks + ranksPerNode - 1) / ranksPerNode }

  /// Whether every link the group's collectives cross has fitted figures
  /// (`LinkSpec.fitted`).
  public var fitted: Bool { intra.fitted && (nodes == 1 || inter.fitted) }

  /// A collective of `seconds` priced from this group's links, its source
  /// fitted where the links are (`fitted`), else the datasheet.
  public func estimate(_ seconds: Double, kernels: Double = 1) -> OperatorEstimate {
    OperatorEstimate(
      seconds: seconds, flops: 0, bytes: 0,
      sources: SourceSeconds(seconds, from: fitted ? .fitted : .datasheet), kernels: kernels)
  }

  /// All-reduce of `bytes` per rank, in seconds. Inside a node: the flat
  /// model (ring, or the custom kernels), whose ring is fitted to measured
  /// NCCL all-reduces of 8 GPUs (the cluster files' NVLink figures). Across
  /// nodes: NCCL's own choice of algorithm (ring or tree) and protocol (LL,
  /// LL128, Simple) by its tuning model (`NCCLTuning`): its latency floor of
  /// tens of microseconds for small messages, and the tree's one crossing
  /// of the network per node for large ones, which shows the cliff when a
  /// group leaves the node.
  public func allReduce(bytes: Double) -> Double {
    guard ranks > 1, bytes > 0 else { return 0 }
    // Where the engine's kernel applies it is at most the ring's time.
    if let custom = customAllReduce(bytes: bytes) { return custom }
    if nodes == 1 {
      return Collectives.allReduce(bytes: bytes, ranks: ranks, link: intra, algorithms: .ringOnly)
    }
    return NCCLTuning.allReduce(
      bytes: bytes, ranks: ranks, ranksPerNode: ranksPerNode, intra: intra, inter: inter,
      intraIsPCIe: intraIsPCIe, networkIsRDMA: networkIsRDMA
    ).seconds
  }

  /// All-gather (or reduce-scatter) leaving `bytes` in total on each rank, in seconds.
  public func allGather(bytes: Double) -> Double {
    guard ranks > 1, bytes > 0 else { return 0 }
    if nodes == 1 { return Collectives.allGather(bytes: bytes, ranks: ranks, link: intra) }
    let g = Double(ranksPerNode)
    let n = Double(nodes)
    let intraPart = (g - 1) * intra.latencyUs * 1e-6 + (g - 1) / g * bytes / n / intra.bytesPerSecond
    let interPart =
      (n - 1) * inter.latencyUs * 1e-6 + (n - 1) / n * bytes / g / inter.bytesPerSecond
    return intraPart + interPart
  }

  /// Reduce-scatter of `bytes` per rank: the mirror of an all-gather.
  public func reduceScatter(bytes: Double) -> Double { allGather(bytes: bytes) }

  /// All-to-all where each rank sends `bytes` in all, spread evenly over the
  /// group (expert dispatch or combine), in seconds: peers in the node over the
  /// intra-node link and the rest over the network, concurrently.
  public func allToAll(bytes: Double) -> Double {
    guard ranks > 1, bytes > 0 else { return 0 }
    let p = Double(ranks)
    let g = Double(ranksPerNode)
    let inNode = (g - 1) / p * bytes / intra.bytesPerSecond
    if nodes == 1 { return intra.latencyUs * 1e-6 + inNode }
    let offNode = (p - g) / p * bytes / inter.bytesPerSecond
    return inter.latencyUs * 1e-6 + max(inNode, offNode)
  }

  /// One point-to-point message of `bytes` over `link`, in seconds.
  public static func sendRecv(bytes: Double, link: LinkSpec) -> Double {
    guard bytes > 0 else { return 0 }
    return link.latencyUs * 1e-6 + bytes / link.bytesPerSecond
  }
}
