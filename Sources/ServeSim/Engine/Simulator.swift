/// Runs one serving plan event by event and returns what happened as a value.
///
/// The loop pops the earliest event (ties by kind, then insertion order), and
/// events produce their follow-ups: an arrival is routed to a replica's
/// scheduler and wakes it if idle; a scheduler forms a batch, the simulator
/// prices it, runs it through the replica's pipeline stages and schedules its
/// end; an iteration's end emits tokens, completes requests and forms the next
/// batch. The simulator keeps the clock, the events, arrivals, routing, stage
/// timing and metrics; each `ReplicaScheduler` keeps its queues, KV pool and
/// prefix cache. All state (clock, queues, random streams, ID counters) lives
/// in this value: no globals, and the same plan and seed give the same result.
public struct Simulator: Sendable {
  public let plan: PlanSpec
  public let memory: MemoryPlan
  public let profile: EngineProfile
  /// Device pools: memory plans and pricers.
  var pools: ServingPools
  /// Memory plans by pool.
  public var poolMemory: [MemoryPlan] { pools.memory }
  var timeline: StageTimeline
  var generator: RequestGenerator
  var queue = EventQueue()
  /// Every scheduler: [replica · stages + stage], decode pool after prefill pool.
  var schedulers: [ReplicaScheduler]
  var router: any Router
  var requests = RequestWindow()
  var iterations: [IterationRecord] = []
  var stream = StreamingWindow()
  var metrics: RunMetrics
  /// Iterations started, across schedulers (requests in a batch carry its number).
  var iterationCounter: Int64 = 0
  var checkInvariants: Bool
  /// Now, in seconds.
  var clock = 0.0
  /// Each scheduler's compiled fused-MoE variants, on a cold server of an
  /// engine that compiles them on first use (empty otherwise).
  var moeCompiles: [FusedMoECompiles] = []
  /// Per scheduler of a cold SGLang server on sm100: whether its attention
  /// over a chunked prefix has loaded (`Simulator+ColdStart`; empty when
  /// that does not apply).
  var prefixAttentionLoaded: [Bool] = []
  /// Warm-up requests not yet ended (`startArrivals`).
  var warmupLeft = 0
  /// Warm-up requests not yet sent.
  var warmupUnsent = 0
  /// Seconds added to an open loop's drawn arrival times: the end of the
  /// warm-up phase less the first measured request's drawn time (NaN until
  /// that request is drawn; 0 without a warm-up).
  var arrivalShift = 0.0
  /// When each API server's front end has tokenised every request sent to
  /// it so far, in seconds (`reachesEngine`): one server a data-parallel
  /// replica (one for a disaggregated plan's front end), taking requests in
  /// turn.
  var frontEnds: [Double] = [0]
  /// The front end the next request goes to.
  var nextFrontEnd = 0
  /// Whether the result keeps every iteration's record (the iteration log,
  /// plots over time and the trace read them); false counts them only, so a
  /// long run does not hold tens of bytes per iteration it will not report.
  public var keepsIterations = true
  /// Iterations run and not kept (`keepsIterations` false).
  var forgottenIterations = 0
  /// Under attention data parallelism: each rank's batch of the step being
  /// formed (by pool), and each replica's next rank in the round robin.
  var lockstepShapes: [[BatchShape?]] = []
  var rankCursor: [Int] = []
  /// Each replica's attention-DP context balancing (empty: off).
  var balancers: [AttentionDPBalancer] = []
  /// Late TTFTs and TPOTs counted against the limits that fail a probe
  /// (`stopOnceTTFTFails`, `stopOnceTPOTFails`; none watched by default).
  var verdict = EarlyVerdict()
  /// Seconds after the first arrival past which a run with requests left
  /// cannot keep up (`stopOnceThroughputFails`; 0: no such limit), and the
  /// time it comes to (infinity until the run starts).
  var keepUpWindow = 0.0
  var keepUpDeadline = Double.infinity
  /// Whether the run stopped early because its verdict was known: its TTFT
  /// or TPOT percentile lost (`stopOnceTTFTFails`, `stopOnceTPOTFails`) or
  /// its keep-up test failed (`stopOnceThroughputFails`); its result is
  /// partial.
  public internal(set) var stoppedEarly = false

  /// Prepares a simulation.
  ///
  /// - Parameters:
  ///   - pricers: iteration pricers to reuse, one per pool, already warmed for
  ///     this plan's model, devices, parallelism, precision and engine (the
  ///     optimizer shares them across plans); nil builds new ones.
  ///   - leap: whether schedulers form quiet decode stretches in O(1)
  ///     (`DecodeLeap`); false steps every request through every iteration
  ///     (`--no-leap`). Both give the same result, bit for bit.
  /// - Throws: `SimulationError.doesNotFit` when the plan's weights leave no room
  ///   for the KV cache, `SimulationError.invalidPlan` when `validate()` fails.
  public init(
    plan: PlanSpec, checkInvariants: Bool = false, pricers reused: [IterationPricer]? = nil,
    leap: Bool = true
  ) throws(SimulationError) {
    let issues = plan.validate()
    if !issues.isEmpty { throw .invalidPlan(issues) }
    self.plan = plan
    self.checkInvariants = checkInvariants
    profile = EngineProfile.of(plan: plan)
    pools = try ServingPools(plan: plan, profile: profile, reusing: reused)
    memory = pools.memory[0]
    schedulers = pools.makeSchedulers(plan: plan)
    // Attention ranks step together and are not leapt (Simulator+Lockstep).
    for r in schedulers.indices {
      schedulers[r].leaps = leap && pools.ranks[schedulers[r].pool] <= 1
      if let speculative = plan.speculative {
        schedulers[r].speculation = Speculation(
          speculative, seed: plan.seed, scheduler: r, policy: plan.scheduler.policy)
      }
    }
    if pools.lockstepped {
      lockstepShapes = pools.ranks.map { [BatchShape?](repeating: nil, count: $0) }
      rankCursor = [Int](repeating: 0, count: pools.replicas)
      // Balancers by replica (the stage timeline's row: prefill, then decode).
      if let balance = plan.attentionDPBalance {
        balancers = [AttentionDPBalancer](repeating: AttentionDPBalancer(balance), count: pools.replicas)
      }
    }
    let pipelines = pools.replicas
    if plan.disaggregation == nil { frontEnds = [Double](repeating: 0, count: max(plan.parallelism.data, 1)) }
    timeline = StageTimeline(plan: plan, pipelines: pipelines)
    metrics = RunMetrics(pools: pools.memory.count)
    router = plan.router.makeRouter()
    generator = RequestGenerator(workload: plan.workload, seed: plan.seed)
    let device = plan.cluster.device
    if plan.workload.coldStart, FusedMoECompiles.apply(to: plan), let moe = plan.model.moe {
      // A fused shared expert is one more expert per token in the kernel's
      // `num_valid_tokens` (top-k 8 + 1 on DeepSeek, `SharedExpertFusion`).
      let fused = SharedExpertFusion.experts(plan: plan, device: device, expert: plan.parallelism.expert)
      let table = FusedMoEConfigTable.sglang(
        version: plan.release.version, device: device, experts: moe.experts + fused,
        width: moe.expertIntermediateSize / max(plan.parallelism.tensor, 1), weights: plan.precision.weights,
        blockScaled: plan.model.fp8BlockSize > 0)
      let compiles = FusedMoECompiles(
        topK: moe.expertsPerToken + fused, graphMaxBatch: profile.graphsForDecode ? profile.graphMaxBatch : 0,
        tokensPerSequence: 1 + (plan.speculative?.tokens ?? 0), speculative: plan.speculative != nil,
        table: table)
      moeCompiles = [FusedMoECompiles](repeating: compiles, count: schedulers.count)
    }
    if plan.workload.coldStart, !pools.lockstepped,
      SGLangBlackwellPaths.runsTRTLLMMLA(plan: plan, device: device)
    {
      prefixAttentionLoaded = [Bool](repeating: false, count: schedulers.count)
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
    if streaming { metrics.itl.exactLimit = Self.streamingExactSamples * 2 }
    startArrivals()
    if keepUpWindow > 0 && requests.endID > 0 { keepUpDeadline = requests[0].arrival + keepUpWindow }
    var events = 0
    while !stoppedEarly, let event = queue.pop() {
      if checkInvariants && event.time < clock {
        throw .invariantViolated("time went backwards: \(event.time) < \(clock)")
      }
      clock = event.time
      if clock > keepUpDeadline {
        stoppedEarly = true
        break
      }
      switch event.kind {
      case .arrival: arrive(Int(event.subject))
      case .iterationDone: finishIteration(scheduler: Int(event.subject))
      case .kvTransferDone: finishTransfer(Int(event.subject))
      case .replicaWake:
        // A wake for a host KV load can find the scheduler busy again.
        let r = Int(event.subject)
        guard schedulers[r].phase != .busy else { break }
        schedulers[r].phase = .idle
        startIteration(scheduler: r)
      }
      if verdict.watchesTTFT { passDeadlines() }
      if checkInvariants { try verify() }
      if streaming {
        events &+= 1
        if events & stream.handOverMask == 0 || iterations.count >= 8192 {
          stream.hand(&requests, &iterations, to: &observer, final: false)
        }
      }
    }
    if checkInvariants && !stoppedEarly { try verifyEnd() }
    if streaming { stream.hand(&requests, &iterations, to: &observer, final: true) }
    return result(streaming: streaming)
  }

  /// What the run produced.
  private func result(streaming: Bool) -> SimulationResult {
    let tally = self.tally
    let counts = tally
    var result = SimulationResult(
      plan: plan, memory: memory, requests: streaming ? [] : requests.records,
      iterations: streaming ? [] : iterations, itl: metrics.itl,
      totalFlops: metrics.totalFlops, busyDeviceSeconds: metrics.busyDeviceSeconds,
      kvUseSeconds: metrics.kvUseSeconds, inFlightSeconds: metrics.inFlightSeconds,
      warnings: plan.warnings(), costSources: metrics.costSources,
      poolBusyDeviceSeconds: metrics.poolBusyDeviceSeconds,
      poolDevices: pools.poolDevices, prefixHitTokens: counts.prefixHitTokens,
      prefixLookupTokens: counts.prefixLookupTokens,
      peakRunning: metrics.peakRunning, peakUsedBlocks: metrics.peakUsedBlocks,
      verifySteps: counts.verifySteps, verifiedTokens: counts.verifiedTokens,
      requestCount: requests.endID,
      iterationCount: stream.recordedIterations + iterations.count + forgottenIterations,
      offload: plan.scheduler.kvOffload == nil ? nil : offloadCounts)
    result.budgetDenials = counts.budgetDenials
    result.peakBudgetUse = counts.peakBudgetUse
    return result
  }

  /// What every scheduler's host KV tier moved, added up.
  var offloadCounts: OffloadCounts {
    var total = OffloadCounts()
    for s in schedulers { total += s.offload.counts }
    return total
  }

  /// Every scheduler's counts, added up.
  var tally: SchedulerTally {
    var total = SchedulerTally()
    for s in schedulers { total += s.tally }
    return total
  }

  // MARK: Iterations

  /// Forms and starts the next iteration of scheduler `r`, if it has work.
  mutating func startIteration(scheduler r: Int) {
    if stepsInLockstep(r) { return startLockstep(lead: lockstepLead(r)) }
    iterationCounter += 1
    guard let shape = schedulers[r].formBatch(&requests, stamp: iterationCounter, clock: clock) else {
      schedulers[r].phase = .idle
      // Requests waiting for host KV loads are scheduled when the first ends.
      if let end = schedulers[r].offload.nextLoadEnd {
        queue.schedule(at: end, .replicaWake, subject: Int32(r))
      }
      return
    }
    let used = schedulers[r].usedBlocks
    metrics.peakRunning = max(metrics.peakRunning, schedulers[r].running.count)
    metrics.peakUsedBlocks = max(metrics.peakUsedBlocks, used)
    let pool = schedulers[r].pool
    var cost = pools.pricers[pool].price(shape)
    if plan.workload.coldStart {
      cost.head += coldStartSeconds(scheduler: r, shape: shape, graph: cost.graph)
    }
    metrics.totalFlops += cost.flops
    metrics.costSources += cost.sources
    schedulers[r].phase = .busy
    schedulers[r].launchWeight = shape.prefillTokens > 0 ? 1000 : 1
    let end = timeline.run(
      cost, replica: schedulers[r].pipeline, pool: pool, devices: pools.tensor[pool], from: clock,
      shape: shape, kvBlocksUsed: used, iterations: &iterations, keep: keepsIterations,
      metrics: &metrics)
    if !keepsIterations { forgottenIterations += timeline.stages }
    let inFlight = end - clock
    metrics.inFlightSeconds += inFlight
    metrics.kvUseSeconds += Double(used) / Double(max(schedulers[r].totalBlocks, 1)) * inFlight
    queue.schedule(at: end, .iterationDone, subject: Int32(r))
  }

  /// Ends scheduler `r`'s iteration, follows up the requests that left it
  /// (a closed-loop client's next request, a KV transfer to decode), and
  /// forms its next batch.
  mutating func finishIteration(scheduler r: Int) {
    if stepsInLockstep(r) { return finishLockstep(lead: r) }
    schedulers[r].finishBatch(&requests, itl: &metrics.itl, clock: clock)
    followUpDepartures(of: r)
    passSchedulerLoop(r)
  }

  /// Follows up the requests scheduler `r`'s last batch let go: a finished
  /// prefill's KV transfer to the decode pool, else a closed-loop client's
  /// next request.
  mutating func followUpDepartures(of r: Int) {
    for id in schedulers[r].departed {
      if requests[Int(id)].status == .transferring {
        startTransfer(Int(id))
      } else {
        // Departed and not transferring: finished.
        if verdict.watchesTPOT { countFinished(Int(id)) }
        nextClosedLoopRequest(after: Int(id))
      }
    }
  }
}
