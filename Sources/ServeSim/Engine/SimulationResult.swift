/// Everything a simulation produced, as a value.
public struct SimulationResult: Sendable {
  public var plan: PlanSpec
  public var memory: MemoryPlan
  /// Every request, in creation order (its index is its ID); empty when the
  /// simulation streamed them to an observer.
  public var requests: [RequestRecord]
  /// Every iteration of every replica, in start order; empty when streamed.
  public var iterations: [IterationRecord]
  /// Pooled inter-token latencies, in seconds.
  public var itl: WeightedSamples
  /// Model FLOPs done by all devices.
  public var totalFlops: Double
  /// Σ over stage iterations of duration × devices of the stage, in device-seconds.
  public var busyDeviceSeconds: Double
  /// Σ over batches of the scheduler's share of KV blocks in use × the batch's
  /// time in flight, in seconds.
  public var kvUseSeconds: Double
  /// Σ over batches of time in flight, in seconds.
  public var inFlightSeconds: Double
  public var warnings: [String]
  /// Device time of all iterations split by the source that priced it
  /// (measured, fitted, datasheet), in seconds.
  public var costSources = SourceSeconds()
  /// Busy device-seconds and devices of each pool (one pool, or prefill and decode).
  public var poolBusyDeviceSeconds: [Double] = []
  public var poolDevices: [Int] = []
  /// Prompt tokens found in prefix caches, and prompt tokens looked up.
  public var prefixHitTokens = 0
  public var prefixLookupTokens = 0
  /// Most requests running in one scheduler at any iteration.
  public var peakRunning = 0
  /// Most KV blocks in use in one scheduler at any iteration.
  public var peakUsedBlocks = 0
  /// Requests created and iteration records (one per stage) of the whole run,
  /// streamed or kept (nil: the counts of `requests` and `iterations`).
  public var requestCount: Int?
  public var iterationCount: Int?

  /// Requests of the whole run.
  public var totalRequests: Int { requestCount ?? requests.count }
  /// Iteration records (one per stage) of the whole run.
  public var totalIterations: Int { iterationCount ?? iterations.count }
}

extension Simulator {
  /// Checks, at the end of a run, that every request that arrived completed
  /// with all its output tokens or was dropped with a reason, and that tokens
  /// are conserved: what iterations computed equals what finished requests
  /// hold plus what preemption threw away, less what prefix caches supplied.
  func verifyEnd() throws(SimulationError) {
    for id in retiredRequests..<requests.endID {
      let r = requests[id]
      switch r.status {
      case .finished:
        if r.generated != r.outputTokens || Int(r.computed) != Int(r.inputTokens + r.outputTokens) - 1 {
          throw .invariantViolated(
            "request \(id) finished with \(r.generated) of \(r.outputTokens) output tokens and \(r.computed) computed"
          )
        }
      case .dropped where r.dropReason != .none: continue
      default:
        throw .invariantViolated("request \(id) ended \(r.status) without a reason")
      }
    }
    if scheduledTokens != finishedTokens + discardedTokens - prefixHitTokens {
      throw .invariantViolated(
        "tokens not conserved: iterations computed \(scheduledTokens), finished requests hold \(finishedTokens), preemption discarded \(discardedTokens), prefix caches supplied \(prefixHitTokens)"
      )
    }
  }

  /// Checks the simulation's invariants: KV blocks within the pool and
  /// accounted for, nothing left idle with work waiting.
  func verify() throws(SimulationError) {
    for (r, replica) in replicas.enumerated() {
      if replica.freeBlocks < 0 || replica.freeBlocks > replica.totalBlocks {
        throw .invariantViolated(
          "replica \(r) has \(replica.freeBlocks) free of \(replica.totalBlocks) blocks")
      }
      var held = replica.transferBlocks
      if !prefixCaches.isEmpty {
        let cache = prefixCaches[r]
        for g in cache.cached.indices where cache.refs[g] > 0 { held += Int(cache.cached[g]) }
        let idle = cache.cached.indices.reduce(0) { $0 + (cache.refs[$1] == 0 ? Int(cache.cached[$1]) : 0) }
        if idle != cache.evictable {
          throw .invariantViolated(
            "replica \(r) prefix cache: \(idle) idle blocks, \(cache.evictable) evictable")
        }
      }
      if !hashCaches.isEmpty {
        let cache = hashCaches[r]
        var idle = 0
        for h in cache.resident.indices where cache.resident[h] {
          if cache.refs[h] > 0 { held += cache.blocksPerHash } else { idle += cache.blocksPerHash }
        }
        if idle != cache.evictable {
          throw .invariantViolated(
            "replica \(r) block-hash cache: \(idle) idle blocks, \(cache.evictable) evictable")
        }
      }
      for id in replica.running { held += Int(requests[Int(id)].blocks) }
      for id in replica.staticBatch where requests[Int(id)].status == .finished {
        held += Int(requests[Int(id)].blocks)
      }
      if held != replica.usedBlocks {
        throw .invariantViolated(
          "replica \(r) running requests hold \(held) blocks, pool says \(replica.usedBlocks)")
      }
      if replica.phase == .idle && !(replica.running.isEmpty && replica.waiting.isEmpty) {
        throw .invariantViolated(
          "replica \(r) is idle with \(replica.running.count) running and \(replica.waiting.count) waiting")
      }
    }
  }
}
