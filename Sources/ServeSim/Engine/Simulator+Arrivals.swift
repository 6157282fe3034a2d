/// Arrivals: requests drawn from the workload (open loop at their arrival
/// times, or closed loop, a client sending its next request when its last one
/// ends), checked against the context and the KV cache, and routed. A request
/// reaches the engine `EngineProfile.requestOverheadMs` after the client sent
/// it (the API server's work); its record keeps the client's time, so TTFT
/// and E2E include that time.
///
/// A workload's warm-up requests (`WorkloadSpec.warmupRequests`, the first by
/// ID) are a phase of their own, as benchmark clients run them: vLLM 0.12's
/// `benchmarks/serve.py` gathers its `--num-warmups` requests (at most
/// `--max-concurrency` at a time, else all at once) before the main run
/// starts, and SGLang 0.5.5's `bench_serving.py` does the same with
/// `--warmup-requests`. The measured requests start when the last warm-up
/// request has ended: a closed loop's clients send their first measured
/// requests together, and an open loop's arrival times are shifted to start
/// then.
extension Simulator {
  /// When request `id`, which the client sends at `time`, reaches the
  /// engine, in seconds: an API server tokenises its
  /// prompts one at a time in the order they were sent
  /// (`EngineProfile.tokenizeUsPerToken`; requests are created in that
  /// order), then `requestOverheadMs` passes. Data-parallel replicas are
  /// servers of their own behind the router, each with its front end; the
  /// requests go to them in turn (the default round-robin router's order,
  /// an approximation under the others).
  @inline(__always)
  mutating func reachesEngine(_ id: Int32, sentAt time: Double) -> Double {
    let server = nextFrontEnd
    nextFrontEnd = server + 1 == frontEnds.count ? 0 : server + 1
    let tokens = Double(requests[Int(id)].inputTokens)
    let tokenised = max(time, frontEnds[server]) + tokens * profile.tokenizeUsPerToken * 1e-6
    frontEnds[server] = tokenised
    return tokenised + profile.requestOverheadMs * 1e-3
  }

  mutating func startArrivals() {
    warmupLeft = plan.workload.warmupRequests
    if warmupLeft > 0 { return startWarmup() }
    startMeasuredArrivals()
  }

  /// Starts the measured requests: every closed-loop client at once, or the
  /// open loop's first arrival.
  private mutating func startMeasuredArrivals() {
    if case .closed(let concurrency, _) = plan.workload.arrival {
      for client in 0..<concurrency {
        guard let id = createRequest(at: clock) else { break }
        requests[Int(id)].client = Int32(client)
        queue.schedule(at: reachesEngine(id, sentAt: clock), .arrival, subject: id)
      }
    } else {
      scheduleNextOpenArrival()
    }
  }

  /// Sends the warm-up requests: a closed loop's clients send them one after
  /// another, at most `concurrency` in flight; otherwise all at once.
  private mutating func startWarmup() {
    warmupUnsent = warmupLeft
    if case .closed(let concurrency, _) = plan.workload.arrival {
      for client in 0..<min(concurrency, warmupLeft) { sendWarmup(client: Int32(client)) }
    } else {
      for _ in 0..<warmupLeft { sendWarmup(client: -1) }
    }
  }

  /// Sends the next warm-up request from `client` now (-1: open loop).
  private mutating func sendWarmup(client: Int32) {
    guard warmupUnsent > 0, let id = createRequest(at: clock) else { return }
    warmupUnsent -= 1
    requests[Int(id)].arrival = clock
    requests[Int(id)].client = client
    queue.schedule(at: reachesEngine(id, sentAt: clock), .arrival, subject: id)
  }

  /// Draws the next request of the workload and appends its record.
  private mutating func createRequest(at time: Double) -> Int32? {
    guard let draw = generator.next() else { return nil }
    var record = RequestRecord(
      arrival: time, inputTokens: Int32(clamping: draw.input),
      outputTokens: Int32(clamping: draw.output))
    if case .closed = plan.workload.arrival {
    } else {
      // The first measured request after a warm-up phase starts the open
      // loop's clock now.
      if arrivalShift.isNaN { arrivalShift = clock - draw.arrival }
      record.arrival = draw.arrival + arrivalShift
    }
    if let prefix = plan.workload.sharedPrefix {
      record.prefixGroup = Int32(generator.lastGroup)
      record.prefixTokens = Int32(prefix.tokens)
    }
    return Int32(requests.append(record))
  }

  /// Draws the open loop's next request, when the last one reaches the
  /// engine. Where that one waited at its front end longer than the gap to
  /// the next, the next one's own front end may have passed it on before
  /// now: it reaches the engine now (an approximation of a few
  /// milliseconds, under several replicas' front ends only).
  private mutating func scheduleNextOpenArrival() {
    guard let id = createRequest(at: 0) else { return }
    let reaches = reachesEngine(id, sentAt: requests[Int(id)].arrival)
    queue.schedule(at: max(reaches, clock), .arrival, subject: id)
  }

  mutating func arrive(_ id: Int) {
    if requests[id].client < 0 && id >= plan.workload.warmupRequests { scheduleNextOpenArrival() }
    if let slot = llamaCppSlotContext, !fitLlamaCppSlot(id, slotContext: slot) {
      drop(id, .exceedsSlotContext)
      return
    }
    let total = Int(requests[id].inputTokens) + Int(requests[id].outputTokens)
    if total > plan.model.maxContext {
      drop(id, .contextTooLong)
      return
    }
    if (total + plan.scheduler.blockSize - 1) / plan.scheduler.blockSize > pools.maxRequestBlocks {
      drop(id, .exceedsKVCache)
      return
    }
    let r = route(id)
    if defersArrivals && schedulers[r].phase == .busy {
      schedulers[r].accept(Int32(id), &requests, scheduler: r, deferred: true)
      return
    }
    schedulers[r].accept(Int32(id), &requests, scheduler: r)
    // Wake after every arrival of this instant is queued (kind order).
    wakeIfIdle(r)
  }

  private mutating func drop(_ id: Int, _ reason: DropReason) {
    requests[id].status = .dropped
    requests[id].dropReason = reason
    requests[id].completion = -1
    nextClosedLoopRequest(after: id)
  }

  /// Follows up a request that ended (finished or dropped): a warm-up one
  /// sends the next warm-up request or, the last to end, starts the measured
  /// ones; a closed-loop client sends its next request.
  mutating func nextClosedLoopRequest(after id: Int) {
    if warmupLeft > 0 && id < plan.workload.warmupRequests { return warmupEnded(id) }
    guard case .closed(_, let think) = plan.workload.arrival else { return }
    let client = requests[id].client
    let at = clock + think
    if let limit = plan.workload.durationS, at > limit { return }
    guard let next = createRequest(at: at) else { return }
    requests[Int(next)].client = client
    queue.schedule(at: reachesEngine(next, sentAt: at), .arrival, subject: next)
  }

  private mutating func warmupEnded(_ id: Int) {
    warmupLeft -= 1
    if warmupUnsent > 0 {
      sendWarmup(client: requests[id].client)
    } else if warmupLeft == 0 {
      arrivalShift = .nan
      startMeasuredArrivals()
    }
  }

  /// Picks the scheduler for a new request: the router picks the data-parallel
  /// replica, then the replica's virtual engine with the fewest unfinished
  /// requests takes it (vLLM v0 pipeline parallelism).
  private mutating func route(_ id: Int) -> Int {
    let view = RoutingView(
      schedulers: schedulers, replicas: pools.entryReplicas, stages: timeline.stages * attentionRanks)
    let chosen = view.replicas > 1 ? router.route(id, requests[id], view) : 0
    if attentionRanks > 1 { return lockstepRoute(replica: chosen) }
    return view.scheduler(of: chosen)
  }

  /// Schedules a wake-up of scheduler `r` if it is idle.
  mutating func wakeIfIdle(_ r: Int) {
    if stepsInLockstep(r) { return lockstepWake(r) }
    guard schedulers[r].phase == .idle else { return }
    schedulers[r].phase = .wakePending
    queue.schedule(at: clock, .replicaWake, subject: Int32(r))
  }
}
