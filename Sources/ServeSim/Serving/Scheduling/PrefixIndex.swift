/// A scheduler's cached prompt prefixes: none, shared-prefix groups (a
/// workload's `shared_prefix`: `PrefixCache`), or block hashes (a trace's
/// `hash_ids`: `BlockPrefixCache`). Every decision that depends on which one a
/// scheduler has is made here.
///
/// Block accounting: a request that references cached blocks holds them as
/// `sharedBlocks`; blocks no running request references stay resident but
/// count as free (the pool's `freeBlocks`), and allocation evicts them when
/// the truly free blocks run out. The methods return the blocks that moved
/// in or out of the free count.
enum PrefixIndex: Sendable {
  case none
  case groups(PrefixCache)
  /// The cache, and the hashes of every request's prompt blocks (request i is trace row i).
  case hashes(BlockPrefixCache, BlockHashes)

  /// Cached blocks no running request references (they count as free).
  var evictable: Int {
    switch self {
    case .none: 0
    case .groups(let cache): cache.evictable
    case .hashes(let cache, _): cache.evictable
    }
  }

  /// Evicts at least `blocks` unreferenced cached blocks, least recently used first.
  mutating func evict(_ blocks: Int) {
    switch self {
    case .none: return
    case .groups(var cache):
      self = .none
      cache.evict(blocks)
      self = .groups(cache)
    case .hashes(var cache, let hashes):
      self = .none
      cache.evict(blocks)
      self = .hashes(cache, hashes)
    }
  }

  /// Takes references on the cached blocks of request `id`'s prompt prefix and
  /// skips the tokens they hold (at least one prompt token is always computed,
  /// as vLLM does to produce logits).
  ///
  /// - Returns: the blocks that stopped counting as free.
  mutating func acquire(_ id: Int, _ request: inout RequestRecord, blockSize: Int) -> Int {
    guard !request.holdsPrefix else { return 0 }
    switch self {
    case .none: return 0
    case .groups(var cache):
      guard request.prefixGroup >= 0 else { return 0 }
      self = .none
      defer { self = .groups(cache) }
      let g = Int(request.prefixGroup)
      let prefixBlocks = Int(request.prefixTokens) / blockSize
      let hit = min(Int(cache.cached[g]), prefixBlocks, (Int(request.knownTokens) - 1) / blockSize)
      var taken = 0
      if cache.refs[g] == 0 {
        taken = Int(cache.cached[g])
        cache.evictable -= taken
      }
      cache.refs[g] += 1
      request.holdsPrefix = true
      request.sharedBlocks = Int32(hit)
      request.computed = Int32(hit * blockSize)
      return taken
    case .hashes(var cache, let hashes):
      self = .none
      defer { self = .hashes(cache, hashes) }
      let chain = hashes.chain(id)
      let perHash = hashes.blockTokens
      let limit = min(
        chain.count, Int(request.inputTokens) / perHash, (Int(request.knownTokens) - 1) / perHash)
      let hit = cache.residentPrefix(hashes.ids, chain, limit: max(limit, 0))
      var taken = 0
      for k in 0..<hit { taken += cache.retain(Int(hashes.ids[chain.lowerBound + k])) }
      request.holdsPrefix = true
      request.sharedBlocks = Int32(hit * cache.blocksPerHash)
      request.computed = Int32(hit * perHash)
      return taken
    }
  }

  /// Drops request `id`'s references (hashes tail first); blocks whose last
  /// reference this was become evictable.
  ///
  /// - Parameter clock: now, in seconds (for LRU order of groups).
  /// - Returns: the blocks that count as free again.
  mutating func release(_ id: Int, _ request: inout RequestRecord, clock: Double) -> Int {
    guard request.holdsPrefix else { return 0 }
    var freed = 0
    switch self {
    case .none: break
    case .groups(var cache):
      self = .none
      let g = Int(request.prefixGroup)
      cache.refs[g] -= 1
      if cache.refs[g] == 0 {
        freed = Int(cache.cached[g])
        cache.evictable += freed
        cache.lastUse[g] = clock
      }
      self = .groups(cache)
    case .hashes(var cache, let hashes):
      self = .none
      let chain = hashes.chain(id)
      var k = Int(request.sharedBlocks) / cache.blocksPerHash - 1
      while k >= 0 {
        freed += cache.release(Int(hashes.ids[chain.lowerBound + k]))
        k -= 1
      }
      self = .hashes(cache, hashes)
    }
    request.holdsPrefix = false
    request.sharedBlocks = 0
    return freed
  }

  /// Publishes the full prefix blocks request `id` has just computed: they
  /// move from its own blocks to the cache. A group's prefix grows only from
  /// the request extending it; hashed blocks are cached in chain order until
  /// one is already resident (computed meanwhile by another request: the
  /// request keeps its own copy, as vLLM does not merge duplicates).
  mutating func publish(_ id: Int, _ request: inout RequestRecord, blockSize: Int) {
    switch self {
    case .none: return
    case .groups(var cache):
      let g = Int(request.prefixGroup)
      let full = min(Int(request.computed) / blockSize, Int(request.prefixTokens) / blockSize)
      let cached = Int(cache.cached[g])
      guard full > cached, Int(request.sharedBlocks) == cached else { return }
      self = .none
      let moved = full - cached
      request.blocks -= Int32(moved)
      request.sharedBlocks += Int32(moved)
      cache.cached[g] = Int32(full)
      self = .groups(cache)
    case .hashes(var cache, let hashes):
      self = .none
      defer { self = .hashes(cache, hashes) }
      let chain = hashes.chain(id)
      let perBlocks = cache.blocksPerHash
      let full = min(chain.count, Int(min(request.computed, request.inputTokens)) / hashes.blockTokens)
      var k = Int(request.sharedBlocks) / perBlocks
      while k < full {
        let h = Int(hashes.ids[chain.lowerBound + k])
        if cache.resident[h] { return }
        cache.publish(h)
        request.blocks -= Int32(perBlocks)
        request.sharedBlocks += Int32(perBlocks)
        k += 1
      }
    }
  }

  /// How much of request `id`'s prefix is cached here, for cache-aware
  /// routing: resident blocks of its group, or resident leading hashes of its
  /// chain; nil when the request has no prefix identity this index knows.
  func cachedPrefix(_ id: Int, _ request: RequestRecord) -> Int? {
    switch self {
    case .none: return request.prefixGroup >= 0 ? 0 : nil
    case .groups(let cache):
      return request.prefixGroup >= 0 ? Int(cache.cached[Int(request.prefixGroup)]) : nil
    case .hashes(let cache, let hashes):
      let chain = hashes.chain(id)
      return cache.residentPrefix(hashes.ids, chain, limit: chain.count)
    }
  }

  /// Blocks held by referenced cached prefixes, or a description of the
  /// accounting error when the evictable count disagrees with the cache.
  func referencedBlocks() -> Result<Int, PrefixIndexError> {
    switch self {
    case .none: return .success(0)
    case .groups(let cache):
      var held = 0
      var idle = 0
      for g in cache.cached.indices {
        if cache.refs[g] > 0 { held += Int(cache.cached[g]) } else { idle += Int(cache.cached[g]) }
      }
      if idle != cache.evictable {
        return .failure(PrefixIndexError(kind: "prefix cache", idle: idle, evictable: cache.evictable))
      }
      return .success(held)
    case .hashes(let cache, _):
      var held = 0
      var idle = 0
      for h in cache.resident.indices where cache.resident[h] {
        if cache.refs[h] > 0 { held += cache.blocksPerHash } else { idle += cache.blocksPerHash }
      }
      if idle != cache.evictable {
        return .failure(PrefixIndexError(kind: "block-hash cache", idle: idle, evictable: cache.evictable))
      }
      return .success(held)
    }
  }
}
