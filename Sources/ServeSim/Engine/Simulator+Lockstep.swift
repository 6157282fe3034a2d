/// Attention data parallelism: a replica's attention ranks each keep their
/// own scheduler (queues, KV pool, batch), and step together because every
/// MoE layer needs all of them (SGLang 0.5.2 `Scheduler.prepare_mlp_sync_batch`
/// gathers every rank's token count each step; a rank with nothing to run
/// joins with an idle batch, `get_idle_batch`). One event ends the step of
/// all ranks of a replica: the simulator forms every rank's batch, prices
/// them together (`LockstepPricer`: the slowest rank's attention plus the MoE
/// over all ranks' tokens) and books them at the same end.
///
/// The decode leap is off for these plans (a leap advances one scheduler; the
/// ranks' steps are priced together), so stepping is the only path and
/// `--no-leap` gives the same result trivially.
///
/// In a disaggregated plan each pool's replicas step this way when the pool
/// has attention ranks (a DEP prefill pool, a DEP decode pool), each pool
/// with its own lockstep pricer.
extension Simulator {
  /// Attention ranks per replica of the entry pool (1: no attention data
  /// parallelism).
  var attentionRanks: Int { pools.attentionRanks }

  /// Whether scheduler `r` is an attention rank that steps with its replica's
  /// other ranks.
  @inline(__always)
  func stepsInLockstep(_ r: Int) -> Bool {
    pools.lockstepped && pools.ranks[schedulers[r].pool] > 1
  }

  /// The first scheduler (rank 0) of the replica that scheduler `r` belongs to.
  @inline(__always)
  func lockstepLead(_ r: Int) -> Int {
    let pool = schedulers[r].pool
    let first = pools.firstScheduler[pool]
    return r - (r - first) % pools.ranks[pool]
  }

  /// The attention rank of entry replica `d` that takes a new request: round robin
  /// over the ranks (SGLang 0.5.2 `DataParallelController.round_robin_scheduler`,
  /// the default `load_balance_method`); under TensorRT-LLM the rank with the
  /// fewest unfinished requests, the first of equals (1.0
  /// `ExecutorRequestQueue._balance_requests_across_ranks`, `_torch/pyexecutor/
  /// executor_request_queue.py`: new requests go to ranks below the balanced
  /// count of active requests, ⌈(active + new) / ranks⌉).
  mutating func lockstepRoute(replica d: Int) -> Int {
    let first = d * attentionRanks
    if plan.engine == .trtllm {
      var best = first
      for r in first..<first + attentionRanks where schedulers[r].outstanding < schedulers[best].outstanding {
        best = r
      }
      return best
    }
    let rank = rankCursor[d]
    rankCursor[d] = (rank + 1) % attentionRanks
    return d * attentionRanks + rank
  }

  /// Wakes the replica of scheduler `r` if its ranks are idle.
  mutating func lockstepWake(_ r: Int) {
    let lead = lockstepLead(r)
    guard schedulers[lead].phase == .idle else { return }
    for k in lead..<lead + pools.ranks[schedulers[lead].pool] { schedulers[k].phase = .wakePending }
    queue.schedule(at: clock, .replicaWake, subject: Int32(lead))
  }

  /// Forms every rank's batch of the replica led by scheduler `lead` and
  /// starts their common step, or leaves the ranks idle when none has work.
  mutating func startLockstep(lead: Int) {
    iterationCounter += 1
    let pool = schedulers[lead].pool
    let ranks = pools.ranks[pool]
    var any = false
    var cold = plan.workload.coldStart
    var used = 0
    var total = 0
    var combined = BatchShape()
    if !balancers.isEmpty { balanceContexts(lead: lead, ranks: ranks) }
    for k in 0..<ranks {
      let r = lead + k
      cold = cold && schedulers[r].tally.scheduledTokens == 0
      let shape = schedulers[r].formBatch(&requests, stamp: iterationCounter, clock: clock)
      lockstepShapes[pool][k] = shape
      if let shape {
        any = true
        combined.prefillTokens += shape.prefillTokens
        combined.prefillSequences += shape.prefillSequences
        combined.decodeSequences += shape.decodeSequences
      }
      used += schedulers[r].usedBlocks
      total += schedulers[r].totalBlocks
      metrics.peakRunning = max(metrics.peakRunning, schedulers[r].running.count)
      metrics.peakUsedBlocks = max(metrics.peakUsedBlocks, schedulers[r].usedBlocks)
    }
    guard any else {
      for k in lead..<lead + ranks { schedulers[k].phase = .idle }
      return
    }
    // Priced in place (a copy would copy the pricer's memo).
    guard var cost = pools.lockstep[pool]?.price(lockstepShapes[pool]) else { return }
    // A cold server's first step compiles and tunes its kernels first.
    if cold { cost.head += profile.coldStartMs * 1e-3 }
    metrics.totalFlops += cost.flops
    metrics.costSources += cost.sources
    for k in lead..<lead + ranks { schedulers[k].phase = .busy }
    let end = timeline.run(
      cost, replica: schedulers[lead].pipeline, pool: pool, devices: pools.tensor[pool], from: clock,
      shape: combined, kvBlocksUsed: used, iterations: &iterations, keep: keepsIterations,
      metrics: &metrics)
    if !keepsIterations { forgottenIterations += timeline.stages }
    let inFlight = end - clock
    metrics.inFlightSeconds += inFlight
    metrics.kvUseSeconds += Double(used) / Double(max(total, 1)) * inFlight
    queue.schedule(at: end, .iterationDone, subject: Int32(lead))
  }

  /// Holds or releases every rank's context requests for the step about to
  /// form, by the replica's `AttentionDPBalancer`.
  mutating func balanceContexts(lead: Int, ranks: Int) {
    var context = true
    var generation = true
    var room = true
    for r in lead..<lead + ranks {
      let counts = AttentionDPBalancer.counts(schedulers[r], requests)
      context = context && counts.context
      generation = generation && counts.generation
      room = room && counts.room
    }
    let releases = balancers[schedulers[lead].pipeline].releases(
      allHaveContext: context, allHaveGeneration: generation, allHaveRoom: room)
    for r in lead..<lead + ranks { schedulers[r].holdsContext = !releases }
  }

  /// Ends the common step of the replica led by `lead`: every rank books its
  /// batch (an idle rank's is empty), departures are followed up, and the
  /// next step starts.
  mutating func finishLockstep(lead: Int) {
    for r in lead..<lead + pools.ranks[schedulers[lead].pool] {
      schedulers[r].finishBatch(&requests, itl: &metrics.itl, clock: clock)
      followUpDepartures(of: r)
    }
    startLockstep(lead: lead)
  }
}
