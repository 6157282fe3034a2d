/// A second KV-cache tier in host memory (`scheduler.kv_offload`): prefix
/// blocks are copied to host memory as they are computed and come back over
/// the device–host link when a later request's prefix is found there and no
/// longer on the device (vLLM 0.11's `OffloadingConnector` with its CPU
/// backend, vllm/distributed/kv_transfer/kv_connector/v1/offloading_connector.py
/// and vllm/v1/kv_offload/, read from the PyPI wheel; see `HostKVTier`).
public struct KVOffload: Sendable, Equatable {
  /// Host memory for offloaded KV blocks, per device, in GB (10⁹ bytes): each
  /// rank keeps its shard of every block, as each vLLM worker allocates
  /// `num_cpu_blocks` blocks of its own KV layout and SGLang each rank
  /// `--hicache-size` GB.
  public var capacityGB: Double
  /// Achieved device–host bandwidth per device per direction, in GB/s.
  public var bandwidthGBps: Double
  /// Fixed latency of one transfer, in microseconds.
  public var latencyUs: Double

  public init(capacityGB: Double, bandwidthGBps: Double, latencyUs: Double) {
    self.capacityGB = capacityGB
    self.bandwidthGBps = bandwidthGBps
    self.latencyUs = latencyUs
  }

  /// Host memory per device used when the cluster file gives no
  /// `host_memory_gb`, in GB (an assumption).
  public static let fallbackCapacityGB = 64.0

  /// The tier a plan on `cluster` gets by default: half of the node's host
  /// memory per device (the other half left to the operating system, the
  /// engine and its pinned staging buffers: an assumption), and the host
  /// link's achieved bandwidth and latency.
  public static func defaults(for cluster: ClusterSpec) -> KVOffload {
    let capacity =
      cluster.hostMemoryGB.map { $0 / Double(max(cluster.devicesPerNode, 1)) / 2 } ?? fallbackCapacityGB
    let link = cluster.hostLink
    return KVOffload(
      capacityGB: capacity, bandwidthGBps: link.bandwidthGBps * link.efficiency, latencyUs: link.latencyUs)
  }

  /// Seconds to move `bytes` bytes (one device's share) one way: latency plus
  /// bytes over bandwidth.
  public func transferSeconds(bytes: Double) -> Double {
    latencyUs * 1e-6 + bytes / (bandwidthGBps * 1e9)
  }
}
