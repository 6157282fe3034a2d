/// A replica's automatic prefix cache (vLLM's, after SGLang's RadixAttention):
/// full KV blocks of a shared prompt prefix stay resident after their requests
/// finish, so a later request with the same prefix skips computing them.
///
/// Requests share a prefix by group (for example a system prompt); the cache
/// keeps, per group, how many leading blocks of that prefix are resident.
/// Blocks of a group no running request references are evictable: they count
/// as free, and allocation evicts them, least recently used group first, when
/// the truly free blocks run out (vLLM's free-block queue with cached blocks).
struct PrefixCache: Sendable {
  /// Resident leading blocks of each group's prefix.
  var cached: [Int32]
  /// Running requests that reference each group's blocks.
  var refs: [Int32]
  /// When each group was last released, for LRU eviction, in seconds.
  var lastUse: [Double]
  /// Σ cached blocks of groups with no references.
  var evictable = 0

  init(groups: Int) {
    cached = [Int32](repeating: 0, count: groups)
    refs = [Int32](repeating: 0, count: groups)
    lastUse = [Double](repeating: 0, count: groups)
  }

  /// Evicts `count` evictable blocks, least recently used groups first, and
  /// from the end of each prefix (its leaf blocks go first).
  mutating func evict(_ count: Int) {
    var left = count
    while left > 0 && evictable > 0 {
      var victim = -1
      for g in cached.indices where refs[g] == 0 && cached[g] > 0 {
        if victim < 0 || lastUse[g] < lastUse[victim] { victim = g }
      }
      guard victim >= 0 else { return }
      let taken = min(left, Int(cached[victim]))
      cached[victim] -= Int32(taken)
      evictable -= taken
      left -= taken
    }
  }
}
