import Testing

@testable import ServeSim

/// Prefix caching driven by per-request block hashes (Mooncake's `hash_ids`).
@Suite struct BlockPrefixCacheTests {
  /// A trace replay of `chains` (hashes of 64-token blocks: 4 KV blocks of 16),
  /// one request a second, each with `input` prompt tokens and 4 outputs.
  func plan(
    _ chains: [[Int32]], input: Int32 = 200, gap: Double = 1, caching: Bool = true, data: Int = 1,
    router: RouterKind = .roundRobin
  ) -> PlanSpec {
    var hashes = BlockHashes(blockTokens: 64)
    for chain in chains { hashes.append(chain) }
    hashes.distinct = Int((chains.flatMap { $0 }.max() ?? -1) + 1)
    let n = chains.count
    let trace = TraceRecords(
      arrivals: (0..<n).map { Double($0) * gap }, inputTokens: [Int32](repeating: input, count: n),
      outputTokens: [Int32](repeating: 4, count: n), blockHashes: hashes)
    var w = Fixtures.workload(.trace, requests: nil)
    w.trace = trace
    var p = Fixtures.plan(workload: w, parallelism: Parallelism(data: data))
    p.scheduler.prefixCaching = caching
    p.router = router
    return p
  }

  func prefillTokens(_ r: SimulationResult) -> Int { r.iterations.reduce(0) { $0 + Int($1.prefillTokens) } }

  @Test func sharedLeadingHashesAreComputedOnce() throws {
    // 200-token prompts hold 3 full 64-token blocks. The second request shares
    // the first two hashes, the third all three, the fourth none.
    let result = try Fixtures.run(plan([[0, 1, 2, 3], [0, 1, 4, 5], [0, 1, 2, 6], [7, 8, 9, 10]]))
    #expect(result.requests.allSatisfy { $0.status == .finished })
    #expect(result.requests.map(\.cachedTokens) == [0, 128, 192, 0])
    #expect(prefillTokens(result) == 4 * 200 - 128 - 192)
    #expect(result.prefixHitTokens == 320 && result.prefixLookupTokens == 800)
    let off = try Fixtures.run(
      plan([[0, 1, 2, 3], [0, 1, 4, 5], [0, 1, 2, 6], [7, 8, 9, 10]], caching: false))
    #expect(prefillTokens(off) == 800)
    #expect(off.requests.allSatisfy { $0.cachedTokens == 0 })
  }

  @Test func onlyFullPromptBlocksAreReused() throws {
    // A 100-token prompt fills one 64-token block; its second hash covers a
    // partial block and is not cached, and one prompt token is always computed.
    let result = try Fixtures.run(plan([[0, 1], [0, 1], [0]], input: 100))
    #expect(result.requests.map(\.cachedTokens) == [0, 64, 64])
    let exact = try Fixtures.run(plan([[0], [0]], input: 64))
    // 64 tokens are one full block, but the last prompt token is recomputed
    // for its logits: nothing is skipped.
    #expect(exact.requests.map(\.cachedTokens) == [0, 0])
  }

  @Test func concurrentRequestsDoNotShareUnfinishedBlocks() throws {
    // All at once: the first prefill has not ended when the others are
    // admitted, so nothing is resident yet (vLLM caches a block once computed).
    let result = try Fixtures.run(plan([[0, 1, 2], [0, 1, 2], [0, 1, 2]], gap: 0))
    #expect(result.requests.allSatisfy { $0.cachedTokens == 0 })
    #expect(result.requests.allSatisfy { $0.status == .finished })
  }

  @Test func evictionDropsLeastRecentlyReleasedLeavesFirst() {
    var cache = BlockPrefixCache(hashes: 6, blocksPerHash: 4)
    for h in 0..<6 { cache.publish(h) }
    // Release request A's chain 0, 1, 2 tail first, then B's 3, 4, 5.
    for h in [2, 1, 0, 5, 4, 3] { #expect(cache.release(h) == 4) }
    #expect(cache.evictable == 24)
    cache.evict(5)  // two hashes: 8 blocks
    #expect(cache.resident == [true, false, false, true, true, true])
    // Re-using 3 takes it off the list; the next victims are 0 then 5.
    #expect(cache.retain(3) == 4)
    cache.evict(8)
    #expect(cache.resident == [false, false, false, true, true, false])
    #expect(cache.evictable == 4)
    #expect(cache.release(3) == 4)
    cache.evict(100)
    #expect(cache.resident == [false, false, false, false, false, false])
    #expect(cache.evictable == 0)
  }

  @Test func underMemoryPressureBlocksAreEvictedAndInvariantsHold() throws {
    // 40 requests with distinct chains of 3 hashes (12 blocks each) through
    // a pool of about 60 blocks: cached chains must be evicted as new ones
    // arrive, with every block accounted for (Fixtures.run checks invariants).
    let distinct: [[Int32]] = (0..<40).map { (i: Int) -> [Int32] in
      let base = Int32(3 * i)
      return [base, base + 1, base + 2]
    }
    var p = plan(distinct, gap: 0.05)
    let full = MemoryPlan(
      model: p.model, device: p.cluster.device, parallelism: p.parallelism, precision: p.precision,
      scheduler: p.scheduler)
    p.cluster.device.memoryGB = (full.weightBytes + full.activationBytes + 60.5 * full.blockBytes) / 0.9 / 1e9
    let result = try Fixtures.run(p)
    #expect(result.memory.blocks == 60)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // A repeat of the first chain after all that finds it evicted.
    var again = plan(distinct + [[0, 1, 2]], gap: 0.05)
    again.cluster.device.memoryGB = p.cluster.device.memoryGB
    let repeated = try Fixtures.run(again)
    #expect(repeated.requests.last?.cachedTokens == 0)
    // With room for every chain it would have been found.
    let roomy = try Fixtures.run(plan(distinct + [[0, 1, 2]], gap: 0.05))
    #expect(roomy.requests.last?.cachedTokens == 192)
  }

  @Test func cacheAwareRoutingFollowsTheChain() throws {
    // Three chains take turns over two replicas; the cache-aware router sends
    // each to the replica that holds it (3 misses), round-robin computes each
    // chain on both replicas (6 misses).
    let chains: [[Int32]] = (0..<40).map { (i: Int) -> [Int32] in
      let base = Int32(3 * (i % 3))
      return [base, base + 1, base + 2]
    }
    let affinity = try Fixtures.run(plan(chains, gap: 0.2, data: 2, router: .prefixAffinity))
    let spread = try Fixtures.run(plan(chains, gap: 0.2, data: 2, router: .roundRobin))
    #expect(affinity.prefixHitTokens == 37 * 192)
    #expect(spread.prefixHitTokens == 34 * 192)
  }

  @Test func hashBlocksMustBeWholeKVBlocks() {
    var p = plan([[0]])
    p.scheduler.blockSize = 48
    #expect(p.validate().contains { $0.keyPath == "scheduler.block_size" })
  }
}
