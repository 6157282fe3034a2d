/// SGLang's scheduler, read from the 0.4.9 wheel.
///
/// `Scheduler.get_next_batch_to_run` (sglang/srt/managers/scheduler.py): a
/// prefill batch runs whenever one can be formed, else a decode batch of every
/// running request (`enable_mixed_chunk` is off by default, so prefills and
/// decodes do not share an iteration). A prefill batch first continues the
/// request whose prompt was cut into chunks, then takes waiting requests FCFS
/// up to `chunked_prefill_size` tokens, the last one cut to fit
/// (`PrefillAdder`, sglang/srt/managers/schedule_policy.py), while
/// `max_running_requests` allow and while the prompt plus the request's
/// output (clipped at 4096) stays below the free KV tokens less the outputs
/// the running requests still need, estimated as `new_token_ratio` of their
/// remaining (clipped) outputs. The ratio starts at 0.7, falls by
/// (0.7 − 0.7·0.14)/600 per decode step to 0.098, returns to 0.7 when the
/// server goes idle, and after a retraction is re-estimated from the
/// retracted batch (`ScheduleBatch.retract_decode`: (decoded + 20 per
/// running request) / their output lengths, at most 1).
enum SGLangPolicy: BatchPolicy {
  /// `default_init_new_token_ratio` and the floor and per-step decay from
  /// `default_min_new_token_ratio_factor` and `default_new_token_ratio_decay_steps`
  /// (sglang/global_config.py).
  static let initialRatio = 0.7
  static let minimumRatio = 0.7 * 0.14
  static let decay = (initialRatio - minimumRatio) / 600
  /// `CLIP_MAX_NEW_TOKENS_ESTIMATION`.
  static let clip: Int32 = 4096
  /// `retract_decode_steps`.
  static let retractSteps = 20.0

  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    let reservation = OutputReservation(ratio: scheduler.newTokenRatio, clip: clip)
    batch.reservation = reservation
    // Only an admission reads the reservation: skip the pass over the
    // running requests when nothing waits.
    if !scheduler.waiting.isEmpty {
      batch.reservedTokens = scheduler.reservedOutputs(reservation, requests)
    }
    scheduler.schedulePartialPrefills(&requests, &batch)
    scheduler.admitWaiting(&requests, &batch)
    guard scheduler.batchIDs.isEmpty else { return }
    scheduler.scheduleDecodes(&requests, &batch)
    if scheduler.batchIDs.isEmpty {
      scheduler.newTokenRatio = initialRatio
    } else if batch.preempted {
      var decoded = 0.0
      var outputs = 0.0
      for id in scheduler.running {
        decoded += Double(requests[Int(id)].generated)
        outputs += Double(requests[Int(id)].outputTokens)
      }
      let running = Double(scheduler.running.count)
      scheduler.newTokenRatio = outputs > 0 ? min((decoded + retractSteps * running) / outputs, 1) : 1
    } else {
      scheduler.newTokenRatio = max(scheduler.newTokenRatio - decay, minimumRatio)
    }
  }
}
