/// A replica's prefix cache keyed by block hash, for traces that say which
/// prompt blocks requests share (Mooncake's `hash_ids`): vLLM V1's automatic
/// prefix caching (`KVCacheManager`), where a full prompt block is found again
/// by its chained hash.
///
/// A request reuses the longest run of its leading hashes that is resident.
/// Hashed blocks that no running request references stay resident but count
/// as free; allocation evicts them least recently released first, and a
/// request's blocks are released tail first so that a prefix's leaves go
/// before its root (vLLM's `FreeKVCacheBlockQueue`).
struct BlockPrefixCache: Sendable {
  /// KV-cache blocks per hashed block (its tokens over the block size).
  let blocksPerHash: Int
  var resident: [Bool]
  /// Running requests that reference each hash's blocks.
  var refs: [Int32]
  /// The release-ordered list of resident, unreferenced hashes (oldest at its head).
  private var order: LRUList
  /// KV blocks of resident hashes with no references.
  var evictable = 0

  init(hashes: Int, blocksPerHash: Int) {
    self.blocksPerHash = blocksPerHash
    resident = [Bool](repeating: false, count: hashes)
    refs = [Int32](repeating: 0, count: hashes)
    order = LRUList(count: hashes)
  }

  /// Takes a reference on resident hash `h` (out of the evictable list if it
  /// was unreferenced); returns the blocks that stopped counting as free.
  mutating func retain(_ h: Int) -> Int {
    refs[h] += 1
    guard refs[h] == 1 else { return 0 }
    order.unlink(h)
    evictable -= blocksPerHash
    return blocksPerHash
  }

  /// Drops a reference on hash `h`; returns the blocks that became free
  /// (evictable) when it was the last.
  mutating func release(_ h: Int) -> Int {
    refs[h] -= 1
    guard refs[h] == 0 else { return 0 }
    order.append(h)
    evictable += blocksPerHash
    return blocksPerHash
  }

  /// Makes hash `h` resident with one reference (its blocks move from the
  /// request that computed them to the cache).
  mutating func publish(_ h: Int) {
    resident[h] = true
    refs[h] = 1
  }

  /// Evicts unreferenced hashes, least recently released first, until at
  /// least `blocks` blocks are no longer cached (they were counted free already).
  mutating func evict(_ blocks: Int) {
    var left = blocks
    while left > 0, order.head >= 0 {
      let h = Int(order.head)
      order.unlink(h)
      resident[h] = false
      evictable -= blocksPerHash
      left -= blocksPerHash
    }
  }

  /// Leading hashes of `chain` (positions in `ids`) that are resident.
  func residentPrefix(_ ids: [Int32], _ chain: Range<Int>, limit: Int) -> Int {
    var hit = 0
    while hit < limit, resident[Int(ids[chain.lowerBound + hit])] { hit += 1 }
    return hit
  }
}
