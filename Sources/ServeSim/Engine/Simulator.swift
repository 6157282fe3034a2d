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
  var pricer: IterationPricer
  var generator: RequestGenerator
  var queue = EventQueue()
  var replicas: [Replica]
  var requests: [RequestRecord] = []
  var iterations: [IterationRecord] = []
  var itl = WeightedSamples()
  var iterationCounter: Int64 = 0
  var preemptedThisIteration = false
  var roundRobinNext = 0
  var totalFlops = 0.0
  var checkInvariants: Bool
  var clock = 0.0
  /// A request generated ahead of its arrival event (open loop).
  var lookahead: Int32 = -1

  /// Prepares a simulation.
  ///
  /// - Throws: `SimulationError.doesNotFit` when the plan's weights leave no room
  ///   for the KV cache, `SimulationError.invalidPlan` when `validate()` fails.
  public init(plan: PlanSpec, checkInvariants: Bool = false) throws(SimulationError) {
    let issues = plan.validate()
    if !issues.isEmpty { throw .invalidPlan(issues) }
    self.plan = plan
    self.checkInvariants = checkInvariants
    profile = EngineProfile.of(plan.engine)
    memory = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
      precision: plan.precision, scheduler: plan.scheduler)
    if !memory.fits { throw .doesNotFit(FitReport(plan: plan, memory: memory)) }
    let tensorLink: LinkSpec =
      plan.parallelism.tensor <= plan.cluster.devicesPerNode
      ? plan.cluster.intraNode : (plan.cluster.interNode ?? plan.cluster.intraNode)
    let algorithms: Collectives.AllReduceAlgorithms =
      plan.engine != .mindie && plan.cluster.intraNode.kind == "nvlink"
        && plan.parallelism.tensor <= plan.cluster.devicesPerNode
      ? .customInNode : .ringOnly
    let cost = CostModel(
      model: plan.model, device: plan.cluster.device, precision: plan.precision,
      tensor: plan.parallelism.tensor, link: tensorLink, allReduceAlgorithms: algorithms)
    pricer = IterationPricer(
      cost: cost, profile: profile,
      maxTokens: plan.scheduler.maxNumBatchedTokens + plan.scheduler.maxNumSeqs)
    generator = RequestGenerator(workload: plan.workload, seed: plan.seed)
    let blocks = memory.blocks
    replicas = (0..<plan.parallelism.data).map { _ in Replica(blocks: blocks) }
    if let planned = generator.plannedCount { requests.reserveCapacity(planned) }
  }

  /// Runs the simulation to the end of the workload.
  public mutating func run() throws(SimulationError) -> SimulationResult {
    startArrivals()
    while let event = queue.pop() {
      if checkInvariants && event.time < clock {
        throw .invariantViolated("time went backwards: \(event.time) < \(clock)")
      }
      clock = event.time
      switch event.kind {
      case .arrival: arrive(Int(event.subject))
      case .iterationDone: finishIteration(replica: Int(event.subject))
      case .replicaWake:
        let r = Int(event.subject)
        replicas[r].phase = .idle
        startIteration(replica: r)
      }
      if checkInvariants { try verify() }
    }
    return SimulationResult(
      plan: plan, memory: memory, requests: requests, iterations: iterations, itl: itl,
      totalFlops: totalFlops, busySeconds: replicas.map(\.busySeconds),
      kvBlockSeconds: replicas.map(\.kvBlockSeconds), warnings: plan.warnings())
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
    requests.append(record)
    return Int32(requests.count - 1)
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
    if blocksFor(total) > memory.blocks {
      drop(id, .exceedsKVCache)
      return
    }
    let r = route()
    requests[id].replica = Int32(r)
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

  /// Picks the replica for a new request.
  private mutating func route() -> Int {
    let n = replicas.count
    if n == 1 { return 0 }
    switch plan.router {
    case .roundRobin:
      let r = roundRobinNext
      roundRobinNext = (roundRobinNext + 1) % n
      return r
    case .leastOutstanding, .prefixAffinity:
      // prefix-affinity falls back to least-outstanding when requests carry no
      // shared-prefix identity (SGLang's cache-aware router does the same).
      var best = 0
      for r in 1..<n where replicas[r].outstanding < replicas[best].outstanding { best = r }
      return best
    case .leastKV:
      var best = 0
      for r in 1..<n where replicas[r].freeBlocks > replicas[best].freeBlocks { best = r }
      return best
    }
  }

  @inline(__always)
  func blocksFor(_ tokens: Int) -> Int {
    (tokens + plan.scheduler.blockSize - 1) / plan.scheduler.blockSize
  }
}
