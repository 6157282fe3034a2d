/// Sarathi-Serve's stall-free batching (Agrawal et al., OSDI 2024): decodes of
/// every running request, then the rest of partial prefills, then new
/// prompts, all chunked to one token budget per iteration; no admissions in
/// an iteration that had to preempt (as vLLM V1, which adopted it).
enum SarathiPolicy: BatchPolicy {
  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    scheduler.scheduleDecodes(&requests, &batch)
    scheduler.schedulePartialPrefills(&requests, &batch)
    if !batch.preempted { scheduler.admitWaiting(&requests, &batch) }
  }
}
