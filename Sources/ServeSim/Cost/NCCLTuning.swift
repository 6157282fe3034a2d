import Foundation

/// NCCL's own time model for an all-reduce across nodes, as its tuner uses it
/// to choose an algorithm (ring, tree) and a protocol (LL, LL128, Simple) per
/// message size: time = latency(algorithm, protocol) + bytes / bandwidth, the
/// fastest taken (NCCL `src/graph/tuning.cc`, `ncclTopoTuneModel` and
/// `ncclTopoGetAlgoTime`).
///
/// The latency tables are NCCL 2.21.5's, read from the float tables of
/// `libnccl.so.2` in the `nvidia-nccl-cu12` 2.21.5 wheel (they match the
/// layout of `baseLat` and `hwLat` in tuning.cc); so are the LL bandwidth caps
/// (`llMaxBws`). How they combine (steps per algorithm, the bandwidth
/// fractions per protocol) is recalled from tuning.cc, not re-read here (u).
public enum NCCLTuning {
  /// The algorithms NCCL tunes between for an all-reduce across nodes.
  public enum Algorithm: Int, Sendable, CaseIterable {
    /// Double binary tree: reduce up and broadcast down the node tree, a
    /// chain inside each node.
    case tree
    /// One ring through every rank, 2(p−1) steps.
    case ring
  }

  /// NCCL's wire protocols: LL (8-byte stores carrying 4 bytes of data and a
  /// flag: lowest latency, half the payload), LL128 (128-byte lines carrying
  /// 120 bytes) and Simple (bulk copies with a fence per step: full bandwidth,
  /// highest latency).
  public enum Wire: Int, Sendable, CaseIterable {
    case ll, ll128, simple
  }

  /// NCCL's choice for one all-reduce.
  public struct Choice: Sendable, Equatable {
    public var algorithm: Algorithm
    public var wire: Wire
    /// Its time, in seconds.
    public var seconds: Double
  }

  /// Fixed cost of one collective per algorithm and protocol (tuning.cc
  /// `baseLat`, NCCL 2.21.5), in microseconds: [tree, ring][LL, LL128, Simple].
  static let baseLatencyUs: [[Double]] = [[6.8, 14.0, 0], [6.6, 14.0, 8.4]]
  /// Per-hop latency over NVLink (tuning.cc `hwLat[NCCL_HW_NVLINK]`), in microseconds.
  static let nvlinkHopUs: [[Double]] = [[0.6, 1.25, 28], [0.6, 1.9, 3.4]]
  /// Per-hop latency over PCIe (tuning.cc `hwLat[NCCL_HW_PCI]`), in microseconds.
  static let pciHopUs: [[Double]] = [[1.0, 1.9, 28], [1.0, 2.5, 5.7]]
  /// Per-hop latency over the network, NCCL's own part (tuning.cc
  /// `hwLat[NCCL_HW_NET]`), in microseconds; the network's latency is added.
  static let networkHopUs: [[Double]] = [[5.0, 8.5, 28], [2.7, 4.0, 14.0]]
  /// LL's bus-bandwidth cap on Hopper by node count 1, 2, more (tuning.cc
  /// `llMaxBws`, compute capability 9.0 row), in GB/s.
  static let llMaxBusGBps: [Double] = [141.0, 45.0, 35.0]
  /// The tree's bandwidth fraction by log2(bytes / 64), below 2^23 · 64 bytes
  /// (512 MiB), per protocol (tuning.cc `treeCorrectionFactor`, NCCL 2.21.5):
  /// the tree's pipeline is not full at middle sizes.
  static let treeCorrection: [[Double]] = [
    [
      1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0,
      1.0, 1.0,
    ],
    [
      1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9,
      1.0, 1.0,
    ],
    [
      0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8,
      0.9, 0.9,
    ],
  ]

  /// Whether a node's link is PCIe (NCCL's `NCCL_HW_PCI` latencies; any other
  /// kind takes NVLink's).
  public static func isPCIe(_ link: LinkSpec) -> Bool { link.kind == "pcie" }

  /// Whether a network carries RDMA (InfiniBand, RoCE), where NCCL lets LL128 cross it.
  public static func isRDMA(_ link: LinkSpec) -> Bool { link.kind == "infiniband" || link.kind == "roce" }

  /// NCCL's fastest algorithm and protocol for an all-reduce of `bytes` per
  /// rank over `ranks` ranks, `ranksPerNode` of them on each node.
  ///
  /// - Latency: `baseLat` plus, for the ring, 2(p−1) steps of which 2·nodes
  ///   cross the network; for the tree, 2·((g−1) intra hops + ⌈log2 nodes⌉
  ///   network hops). An intra-node hop takes NCCL's per-protocol figure for
  ///   the link, scaled so that Simple's ring hop is the link's measured
  ///   `latencyUs`; a network hop takes NCCL's figure plus the network's
  ///   `latencyUs` (NCCL's `latencyInter`).
  /// - Bandwidth: each GPU has its own NIC, so a node moves g × the
  ///   per-device network bandwidth. The ring's bus bandwidth is the smaller
  ///   of the NVLink ring's and the node's network (algorithm bandwidth
  ///   p/(2(p−1)) of it); the tree sends each node's whole message across the
  ///   network once each way (algorithm bandwidth the smaller of the two,
  ///   NCCL's bus bandwidth twice that). Refinements (tuning.cc): ring LL at
  ///   1/4 of the bus bandwidth, capped by `llMaxBws`; ring LL128 × 0.92;
  ///   tree × 0.92, tree LL at 1/3.8 capped by `llMaxBws`, tree LL128 × 120/128;
  ///   and the tree × `treeCorrectionFactor` of the message size
  ///   (`ncclTopoGetAlgoTime`).
  /// - LL128 crosses the network only over RDMA (`inter.kind` "infiniband" or
  ///   "roce"): NCCL enables it by default only where the NIC is reached by
  ///   GPUDirect RDMA (tuning.cc: `typeInter <= PATH_PXB`, or PXN on Hopper),
  ///   not over a TCP path such as GPUDirect-TCPX/TCPXO (u: recalled).
  ///
  /// - Parameters:
  ///   - intraIsPCIe: whether the node's GPUs talk over PCIe (`isPCIe(intra)`).
  ///   - networkIsRDMA: whether the network is RDMA (`isRDMA(inter)`).
  public static func allReduce(
    bytes: Double, ranks: Int, ranksPerNode: Int, intra: LinkSpec, inter: LinkSpec,
    intraIsPCIe: Bool, networkIsRDMA: Bool
  ) -> Choice {
    let p = Double(ranks)
    let g = Double(max(ranksPerNode, 1))
    let nodes = (ranks + max(ranksPerNode, 1) - 1) / max(ranksPerNode, 1)
    let n = Double(nodes)
    let intraTable = intraIsPCIe ? pciHopUs : nvlinkHopUs
    let intraScale = intra.latencyUs / intraTable[Algorithm.ring.rawValue][Wire.simple.rawValue]
    let nodeBus = min(intra.bytesPerSecond, g * inter.bytesPerSecond)
    let llCap = llMaxBusGBps[min(nodes, 3) - 1] * 1e9
    let rdma = networkIsRDMA
    // log2i(bytes >> 6) as NCCL takes it: the index of the highest set bit.
    let sizeClass = bytes >= 128 ? Int(log2(bytes / 64).rounded(.down)) : 0
    var best = Choice(algorithm: .ring, wire: .simple, seconds: .infinity)
    for algorithm in Algorithm.allCases {
      if algorithm == .tree && nodes < 2 { continue }
      for wire in Wire.allCases where wire != .ll128 || rdma || nodes < 2 {
        let (a, w) = (algorithm.rawValue, wire.rawValue)
        let intraHop = intraTable[a][w] * intraScale
        let networkHop = networkHopUs[a][w] + inter.latencyUs
        var latencyUs = baseLatencyUs[a][w]
        let algorithmBandwidth: Double
        switch algorithm {
        case .ring:
          let steps = 2 * (p - 1)
          let networkSteps = nodes > 1 ? min(2 * n, steps) : 0
          latencyUs += (steps - networkSteps) * intraHop + networkSteps * networkHop
          let bus: Double =
            switch wire {
            case .ll: min(nodeBus / 4, llCap)
            case .ll128: nodeBus * (g < 2 ? 0.7 : 0.92)
            case .simple: nodeBus
            }
          algorithmBandwidth = bus * p / steps
        case .tree:
          latencyUs += 2 * ((g - 1) * intraHop + log2(n).rounded(.up) * networkHop)
          let bus = 2 * nodeBus * 0.92
          let wireBus: Double =
            switch wire {
            case .ll: min(bus / 3.8, llCap)
            case .ll128: bus * 120 / 128
            case .simple: bus
            }
          let correction = sizeClass < 23 ? treeCorrection[w][sizeClass] : 1
          algorithmBandwidth = wireBus / 2 * correction
        }
        let seconds = latencyUs * 1e-6 + bytes / algorithmBandwidth
        if seconds < best.seconds { best = Choice(algorithm: algorithm, wire: wire, seconds: seconds) }
      }
    }
    return best
  }
}
