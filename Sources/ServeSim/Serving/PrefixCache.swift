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

extension Simulator {
  /// Takes a reference on the cached blocks of request `id`'s prefix group at
  /// scheduler `r` and skips the tokens they hold (at least one prompt token is
  /// always computed, as vLLM does to produce logits).
  mutating func acquirePrefix(_ r: Int, _ id: Int) {
    guard !prefixCaches.isEmpty, !requests[id].holdsPrefix else { return }
    let g = Int(requests[id].prefixGroup)
    let blockSize = plan.scheduler.blockSize
    let prefixBlocks = Int(requests[id].prefixTokens) / blockSize
    let hit = min(
      Int(prefixCaches[r].cached[g]), prefixBlocks, (Int(requests[id].knownTokens) - 1) / blockSize)
    if prefixCaches[r].refs[g] == 0 {
      replicas[r].freeBlocks -= Int(prefixCaches[r].cached[g])
      prefixCaches[r].evictable -= Int(prefixCaches[r].cached[g])
    }
    prefixCaches[r].refs[g] += 1
    requests[id].holdsPrefix = true
    requests[id].sharedBlocks = Int32(hit)
    requests[id].computed = Int32(hit * blockSize)
  }

  /// Drops request `id`'s reference on its group's cached blocks; the last
  /// reference makes them evictable.
  mutating func releasePrefix(_ r: Int, _ id: Int) {
    guard requests[id].holdsPrefix else { return }
    if !hashCaches.isEmpty {
      releaseHashedPrefix(r, id)
      return
    }
    guard !prefixCaches.isEmpty else { return }
    let g = Int(requests[id].prefixGroup)
    prefixCaches[r].refs[g] -= 1
    if prefixCaches[r].refs[g] == 0 {
      replicas[r].freeBlocks += Int(prefixCaches[r].cached[g])
      prefixCaches[r].evictable += Int(prefixCaches[r].cached[g])
      prefixCaches[r].lastUse[g] = clock
    }
    requests[id].holdsPrefix = false
    requests[id].sharedBlocks = 0
  }

  /// Publishes the prefix blocks request `id` has just computed, when it is the
  /// request extending its group's cached prefix: they move from its own blocks
  /// to the group's.
  mutating func publishPrefix(_ r: Int, _ id: Int) {
    if !hashCaches.isEmpty {
      publishHashedPrefix(r, id)
      return
    }
    guard !prefixCaches.isEmpty else { return }
    let g = Int(requests[id].prefixGroup)
    let blockSize = plan.scheduler.blockSize
    let full = min(Int(requests[id].computed) / blockSize, Int(requests[id].prefixTokens) / blockSize)
    let cached = Int(prefixCaches[r].cached[g])
    guard full > cached, Int(requests[id].sharedBlocks) == cached else { return }
    let moved = full - cached
    requests[id].blocks -= Int32(moved)
    requests[id].sharedBlocks += Int32(moved)
    prefixCaches[r].cached[g] = Int32(full)
  }
}
