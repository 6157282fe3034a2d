/// Runs one serving plan event by event and returns what happened as a value.
///
/// The loop pops the earliest event (ties by kind, then insertion order), and
/// events produce their follow-ups: an arrival is routed to a replica and wakes
/// it if idle; a replica schedules a batch, prices it and schedules its end; an
/// iteration's end emits tokens, completes requests and schedules the next
/// batch. All state (clock, queues, random streams, ID counters) lives in this
/// value: no globals, and the same plan and seed give the same result.
public struct Simulator: Sendable {
  public let plan: PlanSpec
  public let memory: MemoryPlan
  public let profile: EngineProfile
  /// Iteration pricers by pool (one pool, or prefill and decode).
  var pricers: [IterationPricer]
  /// Memory plans by pool.
  public let poolMemory: [MemoryPlan]
  /// Tensor degree by pool (devices of one stage).
  let poolTensor: [Double]
  /// Σ stage time × devices by pool, in device-seconds.
  var poolBusyDeviceSeconds: [Double]
  /// Data-parallel replicas that take arrivals (the prefill pool when disaggregated).
  let entryReplicas: Int
  var generator: RequestGenerator
  var queue = EventQueue()
  var replicas: [Replica]
  var requests = RequestWindow()
  var iterations: [IterationRecord] = []
  /// Streaming: requests below this ID went to the observer; iterations recorded before.
  var retiredRequests = 0
  var recordedIterations = 0
  /// Streaming: retired requests forgotten at once (at least; and at least
  /// half the window), and events between hand-overs to the observer − 1 (a
  /// power of two minus one). Small values in tests move the window often.
  var discardBatch = 16_384
  var handOverMask = 4_095
  var itl = WeightedSamples()
  var iterationCounter: Int64 = 0
  var preemptedThisIteration = false
  var roundRobinNext = 0
  var totalFlops = 0.0
  /// Device time priced from each source (measured, fitted, datasheet), in seconds.
  var costSources = SourceSeconds()
  /// Pipeline stages per replica and the layers of each.
  let stages: Int
  let stageLayers: [Int]
  /// MoE layers of each stage.
  let stageMoELayers: [Int]
  /// When each stage of each replica is next free ([replica · stages + stage]), in seconds.
  var stageFree: [Double]
  /// The link between stage s and s + 1 of each replica ([replica · (stages − 1) + s]).
  let stageLinks: [LinkSpec]
  /// Bytes of activations sent between stages per token.
  let activationBytesPerToken: Double
  /// KV-cache blocks of one scheduler.
  let blocksPerScheduler: Int
  /// Most blocks one request may need: the smallest scheduler pool it passes
  /// through (the decode pool's too when disaggregated).
  let maxRequestBlocks: Int
  /// Σ stage time × its devices, in device-seconds.
  var busyDeviceSeconds = 0.0
  /// Σ KV share in use × batch time in flight, and Σ batch time in flight, in seconds.
  var kvUseSeconds = 0.0
  var inFlightSeconds = 0.0
  /// Prompt tokens found in prefix caches, and prompt tokens looked up, over admissions.
  var prefixHitTokens = 0
  /// Most requests running in one scheduler, and most KV blocks in use in one
  /// scheduler, at any iteration (the optimizer's dominance test).
  var peakRunning = 0
  /// Each scheduler's prefix cache (empty when prefix caching is off). Kept
  /// apart from `replicas` so that the hot path never copies a replica.
  var prefixCaches: [PrefixCache] = []
  /// Each scheduler's block-hash prefix cache, and the hashes of every
  /// request's prompt blocks (a trace with hash_ids under prefix caching;
  /// request i is trace row i).
  var hashCaches: [BlockPrefixCache] = []
  let blockHashes: BlockHashes?
  var peakUsedBlocks = 0
  var prefixLookupTokens = 0
  var checkInvariants: Bool
  /// Token accounting (checked under `checkInvariants`): tokens computed by
  /// iterations, tokens of finished requests' caches, and tokens thrown away
  /// by preemption.
  var scheduledTokens = 0
  var finishedTokens = 0
  var discardedTokens = 0
  var clock = 0.0
  /// A request generated ahead of its arrival event (open loop).
  var lookahead: Int32 = -1

  /// Prepares a simulation.
  ///
  /// - Throws: `SimulationError.doesNotFit` when the plan's weights leave no room
  ///   for the KV cache, `SimulationError.invalidPlan` when `validate()` fails.
  ///   - pricers: iteration pricers to reuse, one per pool, already warmed for
  ///     this plan's model, devices, parallelism, precision and engine (the
  ///     optimizer shares them across plans); nil builds new ones.
  public init(plan: PlanSpec, checkInvariants: Bool = false, pricers reused: [IterationPricer]? = nil)
    throws(SimulationError)
  {
    let issues = plan.validate()
    if !issues.isEmpty { throw .invalidPlan(issues) }
    self.plan = plan
    self.checkInvariants = checkInvariants
    profile = EngineProfile.of(plan.engine, device: plan.cluster.device, parallelism: plan.parallelism)
    // One pool, or a prefill and a decode pool, each with its devices,
    // parallelism, memory plan and cost model.
    var pools: [(cluster: ClusterSpec, parallelism: Parallelism)] = [(plan.cluster, plan.parallelism)]
    if let d = plan.disaggregation {
      var prefill = d.prefill.parallelism
      var decode = d.decode.parallelism
      prefill.expert = min(plan.parallelism.expert, prefill.tensor)
      decode.expert = min(plan.parallelism.expert, decode.tensor)
      pools = [(d.prefill.cluster, prefill), (d.decode.cluster, decode)]
    }
    var memories = [MemoryPlan]()
    var builtPricers = [IterationPricer]()
    for (index, pool) in pools.enumerated() {
      var poolPlan = plan
      poolPlan.cluster = pool.cluster
      poolPlan.parallelism = pool.parallelism
      let m = MemoryPlan(
        model: plan.model, device: pool.cluster.device, parallelism: pool.parallelism,
        precision: plan.precision, scheduler: plan.scheduler)
      if !m.fits {
        if pools.count > 1 { poolPlan.name += index == 0 ? " (prefill pool)" : " (decode pool)" }
        throw .doesNotFit(FitReport(plan: poolPlan, memory: m))
      }
      memories.append(m)
      var cost = CostModel(
        model: plan.model, device: pool.cluster.device, precision: plan.precision,
        tensorGroup: CommGroup(
          ranks: pool.parallelism.tensor, cluster: pool.cluster, engine: plan.engine),
        calibration: plan.calibration)
      cost.expertParallel = pool.parallelism.expert
      cost.expertImbalance = plan.parallelism.expertImbalance
      builtPricers.append(
        IterationPricer(
          cost: cost, profile: profile,
          maxTokens: plan.scheduler.maxNumBatchedTokens + plan.scheduler.maxNumSeqs))
    }
    memory = memories[0]
    poolMemory = memories
    pricers = reused?.count == builtPricers.count ? reused ?? builtPricers : builtPricers
    poolTensor = pools.map { Double($0.parallelism.tensor) }
    poolBusyDeviceSeconds = pools.map { _ in 0 }
    entryReplicas = pools[0].parallelism.data
    generator = RequestGenerator(workload: plan.workload, seed: plan.seed)
    let par = plan.parallelism
    stages = par.pipeline
    stageLayers = par.layersPerStage(of: plan.model.costedLayers)
    stageMoELayers = plan.model.moeLayersPerStage(stageLayers)
    let blocks = memory.blocks / stages
    blocksPerScheduler = blocks
    maxRequestBlocks = min(blocks, memories.count > 1 ? memories[1].blocks : blocks)
    let stageCount = stages
    if pools.count > 1 {
      // Disaggregated: prefill replicas first, then decode replicas, one stage each.
      let prefill = pools[0].parallelism.data
      let decode = pools[1].parallelism.data
      let decodeBlocks = memories[1].blocks
      replicas =
        (0..<prefill).map { Replica(blocks: blocks, pipeline: $0, pool: 0, role: .prefill) }
        + (0..<decode).map {
          Replica(blocks: decodeBlocks, pipeline: prefill + $0, pool: 1, role: .decode)
        }
      stageFree = [Double](repeating: 0, count: prefill + decode)
    } else {
      replicas = (0..<par.data * stages).map { Replica(blocks: blocks, pipeline: $0 / stageCount) }
      stageFree = [Double](repeating: 0, count: par.data * stages)
    }
    // Replica d holds devices [d·t·p, (d+1)·t·p), stage s the t devices from
    // d·t·p + s·t; a boundary whose two sides sit on different nodes goes over
    // the network.
    var links = [LinkSpec]()
    for d in 0..<par.data {
      for s in 0..<max(stages - 1, 0) {
        let last = d * par.devicesPerReplica + (s + 1) * par.tensor - 1
        let crosses = last / plan.cluster.devicesPerNode != (last + 1) / plan.cluster.devicesPerNode
        links.append(crosses ? (plan.cluster.interNode ?? plan.cluster.intraNode) : plan.cluster.intraNode)
      }
    }
    stageLinks = links
    activationBytesPerToken =
      Double(plan.model.hiddenSize) * (plan.precision.activations == .fp32 ? 4 : 2)
    if plan.scheduler.prefixCaching, let prefix = plan.workload.sharedPrefix {
      prefixCaches = replicas.map { _ in PrefixCache(groups: prefix.groups) }
    }
    if plan.scheduler.prefixCaching, let hashes = plan.workload.trace?.blockHashes, hashes.count > 0 {
      blockHashes = hashes
      let perHash = hashes.blockTokens / plan.scheduler.blockSize
      hashCaches = replicas.map { _ in BlockPrefixCache(hashes: hashes.distinct, blocksPerHash: perHash) }
    } else {
      blockHashes = nil
    }
  }

  /// Latency samples a streaming run keeps exactly per metric (twice as many
  /// inter-token gaps) before counting them in a `LogHistogram`.
  public static let streamingExactSamples = 1 << 21

  /// Runs the simulation to the end of the workload and keeps every request
  /// and iteration in the result.
  public mutating func run() throws(SimulationError) -> SimulationResult {
    if let planned = generator.plannedCount { requests.reserveCapacity(planned) }
    var ignoring = IgnoringObserver()
    return try run(streaming: false, &ignoring)
  }

  /// Runs the simulation to the end of the workload, handing each request to
  /// `observer` once it is done (in ID order) and iterations in batches, and
  /// forgetting them: memory follows the requests in flight, not the length of
  /// the workload. The result's `requests` and `iterations` are empty; its
  /// counts and totals are those of the whole run.
  public mutating func run<Observer: SimulationObserver>(streamingTo observer: inout Observer)
    throws(SimulationError) -> SimulationResult
  {
    try run(streaming: true, &observer)
  }

  private mutating func run<Observer: SimulationObserver>(
    streaming: Bool, _ observer: inout Observer
  ) throws(SimulationError) -> SimulationResult {
    if streaming { itl.exactLimit = Self.streamingExactSamples * 2 }
    startArrivals()
    var events = 0
    while let event = queue.pop() {
      if checkInvariants && event.time < clock {
        throw .invariantViolated("time went backwards: \(event.time) < \(clock)")
      }
      clock = event.time
      switch event.kind {
      case .arrival: arrive(Int(event.subject))
      case .iterationDone: finishIteration(replica: Int(event.subject))
      case .kvTransferDone: finishTransfer(Int(event.subject))
      case .replicaWake:
        let r = Int(event.subject)
        replicas[r].phase = .idle
        startIteration(replica: r)
      }
      if checkInvariants { try verify() }
      if streaming {
        events &+= 1
        if events & handOverMask == 0 || iterations.count >= 8192 { hand(to: &observer, final: false) }
      }
    }
    if checkInvariants { try verifyEnd() }
    if streaming { hand(to: &observer, final: true) }
    return SimulationResult(
      plan: plan, memory: memory, requests: streaming ? [] : requests.records,
      iterations: streaming ? [] : iterations, itl: itl,
      totalFlops: totalFlops, busyDeviceSeconds: busyDeviceSeconds,
      kvUseSeconds: kvUseSeconds, inFlightSeconds: inFlightSeconds, warnings: plan.warnings(),
      costSources: costSources, poolBusyDeviceSeconds: poolBusyDeviceSeconds,
      poolDevices: poolTensor.enumerated().map { i, t in
        Int(t) * (i == 0 ? entryReplicas * stages : replicas.count - entryReplicas)
      }, prefixHitTokens: prefixHitTokens, prefixLookupTokens: prefixLookupTokens,
      peakRunning: peakRunning, peakUsedBlocks: peakUsedBlocks, requestCount: requests.endID,
      iterationCount: recordedIterations + iterations.count)
  }

  /// Streaming: hands the observer the iterations recorded so far and the
  /// oldest requests that are done (all that are left when `final`), and
  /// forgets them. A request is done when it finished or was dropped and holds
  /// no KV blocks (a static batch keeps finished requests' blocks until the
  /// batch ends).
  private mutating func hand<Observer: SimulationObserver>(
    to observer: inout Observer, final: Bool
  ) {
    if !iterations.isEmpty {
      observer.record(iterations[...])
      recordedIterations += iterations.count
      iterations.removeAll(keepingCapacity: true)
    }
    let end = requests.endID
    while retiredRequests < end {
      let record = requests[retiredRequests]
      let done = (record.status == .finished || record.status == .dropped) && record.blocks == 0
      guard done || final else { break }
      observer.retire(record, id: retiredRequests)
      retiredRequests += 1
    }
    let forgettable = retiredRequests - requests.base
    if final || (forgettable >= discardBatch && forgettable * 2 >= requests.records.count) {
      requests.discard(before: retiredRequests)
    }
  }

  // MARK: Arrivals

  private mutating func startArrivals() {
    if case .closed(let concurrency, _) = plan.workload.arrival {
      for client in 0..<concurrency {
        guard let id = createRequest(at: 0) else { break }
        requests[Int(id)].client = Int32(client)
        queue.schedule(at: 0, .arrival, subject: id)
      }
    } else {
      scheduleNextOpenArrival()
    }
  }

  /// Draws the next request of the workload and appends its record.
  private mutating func createRequest(at time: Double) -> Int32? {
    guard let draw = generator.next() else { return nil }
    var record = RequestRecord(
      arrival: time, inputTokens: Int32(clamping: draw.input),
      outputTokens: Int32(clamping: draw.output))
    if case .closed = plan.workload.arrival {} else { record.arrival = draw.arrival }
    if let prefix = plan.workload.sharedPrefix {
      record.prefixGroup = Int32(generator.lastGroup)
      record.prefixTokens = Int32(prefix.tokens)
    }
    return Int32(requests.append(record))
  }

  private mutating func scheduleNextOpenArrival() {
    guard let id = createRequest(at: 0) else { return }
    queue.schedule(at: requests[Int(id)].arrival, .arrival, subject: id)
  }

  private mutating func arrive(_ id: Int) {
    if requests[id].client < 0 { scheduleNextOpenArrival() }
    let total = Int(requests[id].inputTokens) + Int(requests[id].outputTokens)
    if total > plan.model.maxContext {
      drop(id, .contextTooLong)
      return
    }
    if blocksFor(total) > maxRequestBlocks {
      drop(id, .exceedsKVCache)
      return
    }
    let r = route(id)
    requests[id].scheduler = Int32(r)
    requests[id].replica = Int32(replicas[r].pipeline)
    requests[id].status = .waiting
    replicas[r].waiting.append(Int32(id))
    replicas[r].outstanding += 1
    if replicas[r].phase == .idle {
      // Wake after every arrival of this instant is queued (kind order).
      replicas[r].phase = .wakePending
      queue.schedule(at: clock, .replicaWake, subject: Int32(r))
    }
  }

  private mutating func drop(_ id: Int, _ reason: DropReason) {
    requests[id].status = .dropped
    requests[id].dropReason = reason
    requests[id].completion = -1
    nextClosedLoopRequest(after: id)
  }

  /// A closed-loop client sends its next request when its last one ends.
  mutating func nextClosedLoopRequest(after id: Int) {
    guard case .closed(_, let think) = plan.workload.arrival else { return }
    let client = requests[id].client
    let at = clock + think
    if let limit = plan.workload.durationS, at > limit { return }
    guard let next = createRequest(at: at) else { return }
    requests[Int(next)].client = client
    queue.schedule(at: at, .arrival, subject: next)
  }

  /// Picks the scheduler for a new request: the router picks the data-parallel
  /// replica, then the replica's virtual engine with the fewest unfinished
  /// requests takes it (vLLM v0 pipeline parallelism).
  private mutating func route(_ id: Int) -> Int {
    let n = entryReplicas
    let group = Int(requests[id].prefixGroup)
    var chosen = 0
    if n > 1 {
      switch plan.router {
      case .prefixAffinity where blockHashes != nil:
        chosen = routeByHashes(id)
      case .prefixAffinity where group >= 0:
        // SGLang's cache-aware router: the replica caching most of the prefix
        // (else the group's home replica), unless it has 16 more requests in
        // flight than the least loaded one, then the least loaded.
        var best = group % n
        var bestCached: Int32 = 0
        var least = 0
        var leastLoad = Int.max
        for d in 0..<n {
          var load = 0
          for s in 0..<stages {
            let v = d * stages + s
            load += replicas[v].outstanding
            let cached = prefixCaches.isEmpty ? 0 : prefixCaches[v].cached[group]
            if cached > bestCached { (bestCached, best) = (cached, d) }
          }
          if load < leastLoad { (leastLoad, least) = (load, d) }
        }
        var bestLoad = 0
        for s in 0..<stages { bestLoad += replicas[best * stages + s].outstanding }
        chosen = bestLoad > leastLoad + 16 ? least : best
      case .roundRobin:
        chosen = roundRobinNext
        roundRobinNext = (roundRobinNext + 1) % n
      case .leastOutstanding, .prefixAffinity:
        // prefix-affinity falls back to least-outstanding when requests carry no
        // shared-prefix identity (SGLang's cache-aware router does the same).
        var best = Int.max
        for d in 0..<n {
          var load = 0
          for s in 0..<stages { load += replicas[d * stages + s].outstanding }
          if load < best { (best, chosen) = (load, d) }
        }
      case .leastKV:
        var best = Int.min
        for d in 0..<n {
          var free = 0
          for s in 0..<stages { free += replicas[d * stages + s].freeBlocks }
          if free > best { (best, chosen) = (free, d) }
        }
      }
    }
    var pick = chosen * stages
    for v in pick..<(chosen + 1) * stages where replicas[v].outstanding < replicas[pick].outstanding {
      pick = v
    }
    return pick
  }

  /// SGLang's cache-aware routing over block hashes: the replica with the
  /// longest resident run of the request's leading hashes (ties to the least
  /// loaded), unless it has 16 more requests in flight than the least loaded
  /// replica, then that one.
  private func routeByHashes(_ id: Int) -> Int {
    guard let hashes = blockHashes else { return 0 }
    let chain = hashes.chain(id)
    var best = 0
    var bestCached = -1
    var bestLoad = 0
    var least = 0
    var leastLoad = Int.max
    for d in 0..<entryReplicas {
      var load = 0
      var cached = 0
      for s in 0..<stages {
        let v = d * stages + s
        load += replicas[v].outstanding
        cached = max(cached, hashCaches[v].residentPrefix(hashes.ids, chain, limit: chain.count))
      }
      if cached > bestCached || (cached == bestCached && load < bestLoad) {
        (best, bestCached, bestLoad) = (d, cached, load)
      }
      if load < leastLoad { (leastLoad, least) = (load, d) }
    }
    return bestLoad > leastLoad + 16 ? least : best
  }

  @inline(__always)
  func blocksFor(_ tokens: Int) -> Int {
    (tokens + plan.scheduler.blockSize - 1) / plan.scheduler.blockSize
  }
}
