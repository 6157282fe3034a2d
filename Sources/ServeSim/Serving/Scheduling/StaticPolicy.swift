/// Request-level (static) batching, as FasterTransformer and early servers
/// did: a batch starts only when the previous one has ended, with blocks
/// reserved for every request's full length, and runs until its longest
/// request ends (`ReplicaScheduler.scheduleStatic`).
enum StaticPolicy: BatchPolicy {
  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    scheduler.scheduleStatic(&requests, &batch)
  }
}
