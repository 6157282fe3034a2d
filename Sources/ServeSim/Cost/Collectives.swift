import Foundation

/// Collective communication times from an alpha–beta model (Hockney 1994;
/// Thakur et al. 2005): a fixed latency per algorithm step plus bytes over the
/// achieved link bandwidth.
public enum Collectives {
  /// Which all-reduce algorithms an engine may use.
  public enum AllReduceAlgorithms: Sendable, Equatable {
    /// NCCL/HCCL ring only: 2(p−1) steps, each moving bytes/p.
    case ringOnly
    /// An in-node custom all-reduce for small messages beside the ring, as
    /// vLLM's `custom_all_reduce` (one-shot under 512 KiB, two-shot up to 8 MiB
    /// over NVLink peer access) and TensorRT-LLM's do; the fastest is used.
    case customInNode
  }

  /// Largest message vLLM's custom all-reduce takes (`max_size` 8 MiB), in bytes.
  public static let customAllReduceMaxBytes = 8.0 * 1024 * 1024

  /// Time of an engine's in-node custom all-reduce of `bytes` per rank over
  /// `ranks` ranks, in seconds: the faster of one-shot (every rank reads all
  /// peers' inputs and reduces) and two-shot (reduce-scatter, then
  /// all-gather, through peer memory), each paying a cross-GPU barrier (a
  /// flag written to and polled from every peer, one link latency) at its
  /// start, between its phases and at its end: vLLM 0.8.5
  /// csrc/custom_all_reduce.cuh (`cross_device_reduce_1stage`: barriers at
  /// start and end; `cross_device_reduce_2stage`: start, middle, end), as
  /// TensorRT-LLM's one-shot/two-shot AllReduce kernels do.
  ///
  /// - one-shot: 2α + (p−1) · n/B
  /// - two-shot: 3α + 2(p−1)/p · n/B
  public static func customAllReduce(bytes: Double, ranks: Int, link: LinkSpec) -> Double {
    guard ranks > 1, bytes > 0 else { return 0 }
    let p = Double(ranks)
    let alpha = link.latencyUs * 1e-6
    let beta = 1 / link.bytesPerSecond
    return min(2 * alpha + (p - 1) * bytes * beta, 3 * alpha + 2 * (p - 1) / p * bytes * beta)
  }

  /// Time of an all-reduce of `bytes` per rank over `ranks` ranks, in seconds.
  ///
  /// - ring: 2(p−1)·α + 2(p−1)/p · n/B
  /// - the custom kernels (`customAllReduce`) where allowed and small enough.
  public static func allReduce(
    bytes: Double, ranks: Int, link: LinkSpec, algorithms: AllReduceAlgorithms
  ) -> Double {
    guard ranks > 1, bytes > 0 else { return 0 }
    let p = Double(ranks)
    let alpha = link.latencyUs * 1e-6
    let beta = 1 / link.bytesPerSecond
    let ring = 2 * (p - 1) * alpha + 2 * (p - 1) / p * bytes * beta
    guard algorithms == .customInNode, bytes <= customAllReduceMaxBytes else { return ring }
    return min(ring, customAllReduce(bytes: bytes, ranks: ranks, link: link))
  }

  /// Time of an all-gather (or gather) that leaves `bytes` in total on each rank,
  /// ring algorithm: (p−1)·α + (p−1)/p · n/B, in seconds.
  public static func allGather(bytes: Double, ranks: Int, link: LinkSpec) -> Double {
    guard ranks > 1, bytes > 0 else { return 0 }
    let p = Double(ranks)
    return (p - 1) * link.latencyUs * 1e-6 + (p - 1) / p * bytes / link.bytesPerSecond
  }
}
