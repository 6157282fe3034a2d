/// Arrivals under SGLang's overlap scheduler, which forms each batch one
/// batch ahead: `Scheduler.event_loop_overlap` (SGLang 0.5.5,
/// srt/managers/scheduler.py) receives requests, forms and launches the next
/// batch, and only then waits for the batch before it to finish and
/// processes its results. The loop pass that starts when batch N ends has
/// formed and launched batch N + 1 before the device started it; a request
/// that reached the scheduler while batch N ran is received by the next
/// pass, which starts when batch N + 1's predecessor ends, so it joins batch
/// N + 2 at the earliest. With nothing running the loop takes it at once.
///
/// With `--scheduler-recv-interval N` above 1 (`PlanSpec.schedulerRecvInterval`)
/// a pass takes new requests only when its skipper lets it
/// (`SchedulerRecvSkipper.handle`, SGLang 0.5.5): each pass adds the weight of
/// the batch launched last (1 for a decode or a verify step, 1,000 for any
/// other, so the pass after a prefill receives), and receives once the sum
/// reaches N, starting again from 0. A busy decode loop thus takes new
/// requests every N steps; an idle loop spins through its passes in
/// microseconds and takes them at once.
///
/// vLLM 0.14's async scheduling runs the same loop: each pass of
/// `EngineCore.run_busy_loop` takes the requests that arrived
/// (`_process_input_queue`), then `step_with_batch_queue` schedules and
/// launches the next step before it waits for the one running, so a request
/// that arrives while a step runs joins the step after next.
extension Simulator {
  /// Whether requests reaching a busy scheduler wait for a later pass of its
  /// loop.
  var defersArrivals: Bool {
    !pools.lockstepped
      && (profile.engine == .sglang && (profile.overlapsScheduling || plan.schedulerRecvInterval > 1)
        || profile.engine == .vllm && profile.overlapsScheduling)
  }

  /// The loop pass after scheduler `r`'s batch ended: without overlap it
  /// receives before it forms the next batch, with overlap after (see
  /// above); an idle scheduler takes what is waiting either way.
  mutating func passSchedulerLoop(_ r: Int) {
    if profile.overlapsScheduling {
      startIteration(scheduler: r)
      receiveArrivals(r)
    } else {
      receiveArrivals(r)
      startIteration(scheduler: r)
      if schedulers[r].phase != .busy { receiveArrivals(r) }
    }
  }

  /// One pass's `recv_requests`: queues the requests deferred at scheduler
  /// `r` when its receive skipper lets it (always when the interval is 1 or
  /// the scheduler is idle).
  mutating func receiveArrivals(_ r: Int) {
    let interval = Int32(clamping: plan.schedulerRecvInterval)
    if interval > 1 {
      if schedulers[r].phase == .busy {
        schedulers[r].recvCount += schedulers[r].launchWeight
        guard schedulers[r].recvCount >= interval else { return }
      }
      schedulers[r].recvCount = 0
    }
    releaseDeferredArrivals(r)
  }

  /// Queues the requests that reached scheduler `r` while its last batch
  /// ran, once its next batch is formed, and wakes it if it formed none.
  mutating func releaseDeferredArrivals(_ r: Int) {
    guard !schedulers[r].deferred.isEmpty else { return }
    schedulers[r].releaseDeferred()
    wakeIfIdle(r)
  }
}
