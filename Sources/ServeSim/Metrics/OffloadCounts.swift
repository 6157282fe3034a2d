/// What the host KV tier (`scheduler.kv_offload`) moved over a run.
public struct OffloadCounts: Sendable, Equatable, Codable {
  /// KV blocks copied from devices to host memory, and from host memory back.
  public var storedBlocks = 0
  public var loadedBlocks = 0
  /// Bytes of those blocks, summed over every device of the replica (each
  /// moves its own shard over its own link).
  public var storedBytes = 0.0
  public var loadedBytes = 0.0
  /// Σ over loads of their time on the host-to-device link (latency plus
  /// bytes over bandwidth), in seconds.
  public var loadSeconds = 0.0
  /// Prompt tokens whose KV came back from host memory instead of being
  /// computed (counted when their load starts; a load whose blocks another
  /// request cached on the device meanwhile does not count).
  public var hitTokens = 0

  public init() {}

  static func += (lhs: inout OffloadCounts, rhs: OffloadCounts) {
    lhs.storedBlocks += rhs.storedBlocks
    lhs.loadedBlocks += rhs.loadedBlocks
    lhs.storedBytes += rhs.storedBytes
    lhs.loadedBytes += rhs.loadedBytes
    lhs.loadSeconds += rhs.loadSeconds
    lhs.hitTokens += rhs.hitTokens
  }
}
