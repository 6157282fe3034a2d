/// A scheduler's second KV tier in host memory (`scheduler.kv_offload`),
/// after vLLM 0.11's `OffloadingConnector` with its CPU backend (read from
/// the PyPI wheel):
///
/// - Store as computed: every full prefix block a request computes is copied
///   to host memory at the end of the iteration that computed it, unless it
///   is there already (`OffloadingConnectorScheduler._get_reqs_to_store`,
///   vllm/distributed/kv_transfer/kv_connector/v1/offloading_connector.py;
///   `LRUOffloadingManager.prepare_store`, vllm/v1/kv_offload/lru_manager.py).
///   The copy runs on its own CUDA stream (`d2h_stream`,
///   vllm/v1/kv_offload/worker/cpu_gpu.py) beside the forward passes, so it
///   adds no iteration time; its blocks and bytes are counted.
/// - LRU: host memory holds `capacity` units; storing into a full tier evicts
///   the least recently used first. A lookup touches all of the request's
///   units and a store all of the prefix it stored up to, leaf first, so the
///   root of a prefix is evicted last (`LRUOffloadingManager.touch`).
/// - Load before scheduling: a waiting request whose prefix continues in
///   host memory past what the device cache holds gets device blocks for
///   those units and waits while they are copied back
///   (`get_num_new_matched_tokens` returns `load_kv_async`; the scheduler
///   parks the request in `WAITING_FOR_REMOTE_KVS`, vllm/v1/core/sched/scheduler.py).
///   Loads run one after another on one stream (`h2d_stream`), each taking
///   the link's latency plus its bytes over the bandwidth. The request is
///   scheduled again, at the head of the waiting queue with the loaded tokens
///   computed and its blocks cached on the device, by the first batch
///   formed after its load ends (`_update_waiting_for_remote_kv`).
///
/// Left out: decode-output blocks and prompt blocks outside the shared
/// prefixes (they take host memory and link time in vLLM but are never hit
/// by another request here), and pinning of blocks being loaded.
struct HostKVTier: Sendable {
  /// Whether the plan has a host tier.
  let enabled: Bool
  /// KV blocks per unit: a trace's hashed block, or one block of a group's prefix.
  let blocksPerUnit: Int
  /// Units set aside for each shared-prefix group (`HostChain`).
  let unitsPerGroup: Int
  /// Units host memory holds.
  let capacity: Int
  /// Bytes of one unit on one device, and on all devices of the replica.
  let unitBytes: Double
  let replicaUnitBytes: Double
  let link: KVOffload
  /// Units held, and the held units in order of use (least recent at its head).
  private(set) var stored: [Bool]
  private var order: LRUList
  private(set) var used = 0
  /// When the host-to-device stream is free, in seconds.
  private(set) var linkFree = 0.0
  /// Requests whose prefix is loading, in the order the loads started (and
  /// end: they share one stream), when each ends, in seconds, and the prompt
  /// tokens each will hold computed.
  private(set) var loading: [Int32] = []
  private(set) var loadEnd: [Double] = []
  private(set) var loadTokens: [Int32] = []
  var counts = OffloadCounts()

  /// No host tier.
  init() {
    enabled = false
    blocksPerUnit = 1
    unitsPerGroup = 0
    capacity = 0
    unitBytes = 0
    replicaUnitBytes = 0
    link = KVOffload(capacityGB: 0, bandwidthGBps: 1, latencyUs: 0)
    stored = []
    order = LRUList(count: 0)
  }

  /// - Parameters:
  ///   - units: distinct units requests can name.
  ///   - blockBytes: bytes of one KV block on one device.
  ///   - devices: devices of the replica (each holds its shard of a block).
  ///   - share: this scheduler's share of the host memory (1 over the
  ///     pipeline's virtual engines).
  init(
    units: Int, blocksPerUnit: Int, unitsPerGroup: Int, link: KVOffload, blockBytes: Double,
    devices: Int, share: Double
  ) {
    enabled = true
    self.blocksPerUnit = blocksPerUnit
    self.unitsPerGroup = unitsPerGroup
    self.link = link
    unitBytes = blockBytes * Double(blocksPerUnit)
    replicaUnitBytes = unitBytes * Double(devices)
    capacity = unitBytes > 0 ? Int((link.capacityGB * 1e9 * share / unitBytes).rounded(.down)) : 0
    stored = [Bool](repeating: false, count: units)
    order = LRUList(count: units)
    loading.reserveCapacity(64)
    loadEnd.reserveCapacity(64)
    loadTokens.reserveCapacity(64)
  }

  /// Leading units of `chain` from `first`, up to `limit`, that are held.
  func held(_ chain: HostChain, from first: Int, limit: Int) -> Int {
    var k = first
    while k < limit, stored[chain.unit(k)] { k += 1 }
    return k - first
  }

  /// Makes the held units among the first `count` of `chain` the most
  /// recently used, the first unit last (leaves are evicted before roots).
  mutating func touch(_ chain: HostChain, count: Int) {
    var k = count - 1
    while k >= 0 {
      let u = chain.unit(k)
      if stored[u] {
        order.unlink(u)
        order.append(u)
      }
      k -= 1
    }
  }

  /// Copies the units `first ..< end` of `chain` not held yet to host memory,
  /// evicting the least recently used units when it is full, then, if it
  /// stored any, touches the prefix up to `end`.
  mutating func store(_ chain: HostChain, from first: Int, to end: Int) {
    guard capacity > 0 else { return }
    var added = 0
    for k in first..<max(end, first) {
      let u = chain.unit(k)
      if stored[u] { continue }
      if used == capacity {
        let victim = Int(order.head)
        order.unlink(victim)
        stored[victim] = false
        used -= 1
      }
      stored[u] = true
      order.append(u)
      used += 1
      added += 1
    }
    guard added > 0 else { return }
    counts.storedBlocks += added * blocksPerUnit
    counts.storedBytes += Double(added) * replicaUnitBytes
    touch(chain, count: end)
  }

  /// Starts copying `units` units back for request `id`, which will then
  /// hold `tokens` prompt tokens computed (`hit` of them from this load).
  ///
  /// - Parameter clock: now, in seconds; the load starts when the stream is free.
  mutating func startLoad(_ id: Int32, units: Int, tokens: Int32, hit: Int, clock: Double) {
    let start = max(clock, linkFree)
    let seconds = link.transferSeconds(bytes: Double(units) * unitBytes)
    linkFree = start + seconds
    loading.append(id)
    loadEnd.append(linkFree)
    loadTokens.append(tokens)
    counts.loadedBlocks += units * blocksPerUnit
    counts.loadedBytes += Double(units) * replicaUnitBytes
    counts.loadSeconds += seconds
    counts.hitTokens += hit
  }

  /// Loads that have ended by `clock` (they lead the list).
  func ended(by clock: Double) -> Int {
    var n = 0
    while n < loadEnd.count, loadEnd[n] <= clock { n += 1 }
    return n
  }

  /// Forgets the first `count` loads.
  mutating func dropLoads(_ count: Int) {
    loading.removeFirst(count)
    loadEnd.removeFirst(count)
    loadTokens.removeFirst(count)
  }

  /// When the next load ends, in seconds; nil when none is under way.
  var nextLoadEnd: Double? { loadEnd.first }
}

extension HostKVTier {
  /// The host tier of each scheduler of `plan` (disabled without
  /// `scheduler.kv_offload` or without a prefix index): units are the
  /// index's hashes, or `tokens / block size` blocks per shared-prefix group.
  ///
  /// - Parameter blockBytes: bytes of one KV block on one device.
  init(plan: PlanSpec, prefix: PrefixIndex, blockBytes: Double) {
    guard let link = plan.scheduler.kvOffload else {
      self.init()
      return
    }
    let devices = plan.parallelism.tensor * plan.parallelism.pipeline
    let share = 1 / Double(plan.parallelism.pipeline)
    switch prefix {
    case .none: self.init()
    case .groups(let cache):
      let perGroup = (plan.workload.sharedPrefix?.tokens ?? 0) / plan.scheduler.blockSize
      self.init(
        units: cache.cached.count * perGroup, blocksPerUnit: 1, unitsPerGroup: perGroup, link: link,
        blockBytes: blockBytes, devices: devices, share: share)
    case .hashes(let cache, let hashes):
      self.init(
        units: hashes.distinct, blocksPerUnit: cache.blocksPerHash, unitsPerGroup: 0, link: link,
        blockBytes: blockBytes, devices: devices, share: share)
    }
  }
}
