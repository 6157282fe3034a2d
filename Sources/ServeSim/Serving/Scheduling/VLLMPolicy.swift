/// vLLM's scheduler.
///
/// With chunked prefill (0.8.5 V1 `Scheduler.schedule`,
/// vllm/v1/core/sched/scheduler.py): running requests first (decodes, then
/// the rest of partial prefills, chunked to the token budget), then new
/// requests, FCFS, in a step that preempted nothing. Without it, vLLM v0's
/// default scheduler (vllm/core/scheduler.py `_schedule_default`) runs
/// prefill-only batches when any waiting prompt fits, else a decode batch.
enum VLLMPolicy: BatchPolicy {
  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    guard scheduler.limits.chunked else {
      scheduler.admitWaiting(&requests, &batch)
      if scheduler.batchIDs.isEmpty { scheduler.scheduleDecodes(&requests, &batch) }
      return
    }
    SarathiPolicy.formBatch(&scheduler, &requests, &batch)
  }
}
