/// TensorRT-LLM's in-flight batching under its default capacity scheduler,
/// `GUARANTEED_NO_EVICT` (tensorrt_llm `CapacitySchedulerPolicy`; the
/// `trtllm-serve` and `trtllm-bench` default): generation and context
/// (chunked) requests share an iteration, as in vLLM's order, but a new
/// request is admitted only when the KV cache can hold it and every running
/// request up to its last output token, so no request is ever evicted.
enum TRTLLMPolicy: BatchPolicy {
  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    let reservation = OutputReservation(ratio: 1, clip: .max)
    batch.reservation = reservation
    // Only an admission reads the reservation: skip the pass over the
    // running requests when nothing waits.
    if !scheduler.waiting.isEmpty {
      batch.reservedTokens = scheduler.reservedOutputs(reservation, requests)
    }
    scheduler.scheduleDecodes(&requests, &batch)
    scheduler.schedulePartialPrefills(&requests, &batch)
    if !batch.preempted { scheduler.admitWaiting(&requests, &batch) }
  }
}
