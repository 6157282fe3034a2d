/// Arrivals under SGLang's overlap scheduler, which forms each batch one
/// batch ahead: `Scheduler.event_loop_overlap` (SGLang 0.5.5,
/// srt/managers/scheduler.py) receives requests, forms and launches the next
/// batch, and only then waits for the batch before it to finish and
/// processes its results. The loop pass that starts when batch N ends has
/// formed and launched batch N + 1 before the device started it; a request
/// that reached the scheduler while batch N ran is received by the next
/// pass, which starts when batch N + 1's predecessor ends, so it joins batch
/// N + 2 at the earliest. With nothing running the loop takes it at once.
extension Simulator {
  /// Whether requests reaching a busy scheduler wait one more batch.
  var defersArrivals: Bool {
    profile.engine == .sglang && profile.overlapsScheduling && !pools.lockstepped
  }

  /// Queues the requests that reached scheduler `r` while its last batch
  /// ran, once its next batch is formed, and wakes it if it formed none.
  mutating func releaseDeferredArrivals(_ r: Int) {
    guard !schedulers[r].deferred.isEmpty else { return }
    schedulers[r].releaseDeferred()
    wakeIfIdle(r)
  }
}
