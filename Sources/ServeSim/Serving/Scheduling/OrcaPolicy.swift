/// Orca's iteration-level batching (Yu et al., OSDI 2022): every running
/// request decodes, and waiting prompts join whole (unchunked) while the
/// budget, `max_num_seqs` and the KV cache allow, unless the iteration had
/// to preempt.
enum OrcaPolicy: BatchPolicy {
  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    scheduler.scheduleDecodes(&requests, &batch)
    if !batch.preempted { scheduler.admitWaiting(&requests, &batch) }
  }
}
