import Testing

@testable import ServeSim

/// The host KV tier (`scheduler.kv_offload`, `HostKVTier`): prefix blocks
/// stored as computed, LRU in host memory, loaded back before scheduling at
/// the link's cost.
@Suite struct KVOffloadTests {
  /// 20 groups of 512-token (32-block) prefixes; the device pool holds
  /// `blocks` blocks (300: less than the 640 the prefixes need).
  func plan(blocks: Double? = 300, offload: Bool = true, groups: Int = 20) -> PlanSpec {
    var w = Fixtures.workload(.poisson(rate: 50), requests: 160, input: .fixed(100), output: .fixed(8))
    w.sharedPrefix = (512, groups)
    var p = Fixtures.plan(workload: w)
    p.scheduler.prefixCaching = true
    if let blocks {
      let full = MemoryPlan(plan: p)
      p.cluster.device.memoryGB =
        (full.weightBytes + full.activationBytes + (blocks + 0.5) * full.blockBytes) / 0.9 / 1e9
    }
    if offload { p.scheduler.kvOffload = KVOffload.defaults(for: p.cluster) }
    return p
  }

  @Test func offloadRaisesThePrefixHitRateWhenThePoolIsTooSmall() throws {
    let with = try Fixtures.run(plan())
    let without = try Fixtures.run(plan(offload: false))
    #expect(with.memory.blocks == 300)
    #expect(with.requests.allSatisfy { $0.status == .finished })
    let hit = try #require(Summary(with).prefixHitRate)
    let plain = try #require(Summary(without).prefixHitRate)
    #expect(hit > plain + 0.1)
    let moved = try #require(with.offload)
    #expect(moved.loadedBlocks > 0 && moved.storedBlocks > 0 && moved.hitTokens > 0)
    let host = try #require(Summary(with).prefixHitRateHost)
    let device = try #require(Summary(with).prefixHitRateDevice)
    #expect(host > 0 && abs(host + device - hit) < 1e-12)
    #expect(without.offload == nil && Summary(without).prefixHitRateHost == nil)
  }

  @Test func noEffectWhenThePoolHoldsEveryPrefix() throws {
    let with = try Fixtures.run(plan(blocks: nil, groups: 2))
    let without = try Fixtures.run(plan(blocks: nil, offload: false, groups: 2))
    #expect(with.requests == without.requests)
    #expect(with.iterations == without.iterations)
    let moved = try #require(with.offload)
    // Stored as computed (each prefix once), never loaded.
    #expect(moved.storedBlocks == 2 * 32)
    #expect(moved.loadedBlocks == 0 && moved.hitTokens == 0 && moved.loadSeconds == 0)
  }

  @Test func sameSeedSameRun() throws {
    let a = try Fixtures.run(plan())
    let b = try Fixtures.run(plan())
    #expect(a.requests == b.requests && a.iterations == b.iterations && a.offload == b.offload)
    #expect(Summary(a) == Summary(b))
  }

  @Test func leapsGiveTheSameRunAsStepping() throws {
    let (a, _, b, _) = try DecodeLeapTests.both(plan())
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(a.offload == b.offload)
  }

  /// A load's time is paid before its request is scheduled: with a 0.5 s
  /// latency per load, some requests wait at least that long.
  @Test func aLoadDelaysItsRequest() throws {
    var p = plan()
    p.scheduler.kvOffload?.latencyUs = 500_000
    let result = try Fixtures.run(p)
    let moved = try #require(result.offload)
    #expect(moved.loadedBlocks > 0)
    #expect(result.requests.contains { $0.firstScheduled - $0.arrival >= 0.5 })
    #expect(result.requests.allSatisfy { $0.status == .finished })
  }

  /// A trace's hashed chain evicted from the device by 40 others comes back
  /// from host memory whole (3 hashes of 64 tokens).
  @Test func anEvictedHashChainIsLoadedBack() throws {
    let distinct: [[Int32]] = (0..<40).map { (i: Int) -> [Int32] in
      let base = Int32(3 * i)
      return [base, base + 1, base + 2]
    }
    var p = BlockPrefixCacheTests().plan(distinct + [[0, 1, 2]], gap: 0.05)
    let full = MemoryPlan(plan: p)
    p.cluster.device.memoryGB = (full.weightBytes + full.activationBytes + 60.5 * full.blockBytes) / 0.9 / 1e9
    let without = try Fixtures.run(p)
    #expect(without.requests.last?.cachedTokens == 0)
    p.scheduler.kvOffload = KVOffload.defaults(for: p.cluster)
    let with = try Fixtures.run(p)
    #expect(with.requests.last?.cachedTokens == 192)
    let moved = try #require(with.offload)
    #expect(moved.loadedBlocks == 12 && moved.hitTokens == 192)
    // Every chain's 12 blocks were stored once.
    #expect(moved.storedBlocks == 40 * 12)
  }

  /// A tier of three units, one byte-GB each.
  func tier(capacityGB: Double = 3, bandwidthGBps: Double = 50, latencyUs: Double = 10) -> HostKVTier {
    HostKVTier(
      units: 8, blocksPerUnit: 1, unitsPerGroup: 2,
      link: KVOffload(capacityGB: capacityGB, bandwidthGBps: bandwidthGBps, latencyUs: latencyUs),
      blockBytes: 1e9, devices: 1, share: 1)
  }

  func chain(_ group: Int) -> HostChain { HostChain(ids: [], start: group * 2, count: 2, unitTokens: 16) }

  @Test func hostMemoryEvictsTheLeastRecentlyUsedLeafFirst() {
    var t = tier()
    #expect(t.capacity == 3)
    t.store(chain(0), from: 0, to: 2)
    t.store(chain(1), from: 0, to: 2)
    // Full at three units: group 0's leaf (unit 1) went, its root stayed.
    #expect(t.stored[0] && !t.stored[1] && t.stored[2] && t.stored[3])
    #expect(t.held(chain(0), from: 0, limit: 2) == 1)
    // Touching group 0 makes group 1 the least recent: its leaf goes next.
    t.touch(chain(0), count: 2)
    t.store(chain(2), from: 0, to: 1)
    #expect(t.stored[0] && t.stored[2] && !t.stored[3] && t.stored[4])
    #expect(t.used == 3)
    #expect(t.counts.storedBlocks == 5)
  }

  @Test func loadTimeIsBytesOverBandwidthPlusLatency() {
    // Blocks of 2 MB at 50 GB/s with 10 µs per transfer.
    var t = HostKVTier(
      units: 8, blocksPerUnit: 1, unitsPerGroup: 2,
      link: KVOffload(capacityGB: 1, bandwidthGBps: 50, latencyUs: 10), blockBytes: 2e6, devices: 2,
      share: 1)
    t.startLoad(1, units: 4, tokens: 64, hit: 64, clock: 1.0)
    // 8 MB / 50 GB/s = 160 µs, + 10 µs.
    #expect(abs(t.loadEnd[0] - (1.0 + 170e-6)) < 1e-12)
    // A second load waits for the stream: 2 units = 80 µs + 10 µs after the first.
    t.startLoad(2, units: 2, tokens: 32, hit: 32, clock: 1.0)
    #expect(abs(t.loadEnd[1] - (1.0 + 170e-6 + 90e-6)) < 1e-12)
    #expect(abs(t.counts.loadSeconds - 260e-6) < 1e-12)
    #expect(t.counts.loadedBlocks == 6 && t.counts.loadedBytes == 6 * 2e6 * 2)
    #expect(t.ended(by: 1.0 + 200e-6) == 1)
    #expect(t.nextLoadEnd == t.loadEnd[0])
  }

  @Test func defaultsComeFromTheNode() {
    var cluster = Fixtures.cluster()
    #expect(KVOffload.defaults(for: cluster).capacityGB == KVOffload.fallbackCapacityGB)
    cluster.hostMemoryGB = 2000
    cluster.hostLink = LinkSpec(
      kind: "pcie", bandwidthGBps: 64, latencyUs: 10, efficiency: 0.8, topology: "point-to-point")
    let tier = KVOffload.defaults(for: cluster)
    #expect(tier.capacityGB == 2000.0 / 8 / 2)
    #expect(abs(tier.bandwidthGBps - 51.2) < 1e-12 && tier.latencyUs == 10)
    let set = KVOffloadSettings(capacityGB: 10).resolved(for: cluster)
    #expect(set.capacityGB == 10 && set.bandwidthGBps == tier.bandwidthGBps)
  }

  @Test func offloadWithoutPrefixCachingIsAPlanIssue() {
    var p = plan()
    p.scheduler.prefixCaching = false
    #expect(p.validate().contains { $0.keyPath == "scheduler.kv_offload" })
  }
}
