/// One replica's state of TensorRT-LLM's attention-DP context balancing
/// (`AttentionDPBalance`), as TensorRT-LLM 1.0's PyTorch executor runs it
/// each step after the ranks' schedulers have chosen their batches
/// (`tensorrt_llm/_torch/pyexecutor/py_executor.py`,
/// `PyExecutor._balance_adp_requests`; the ranks first all-gather their
/// counts of context and generation requests):
///
/// - every rank has a context request and every rank has fewer generation
///   requests than `max_batch_size`: the wait count resets; if every rank
///   also has generation requests, the contexts wait `batching_wait_iters`
///   steps (counted), then run;
/// - otherwise every rank's contexts are held and the wait count grows by
///   one; they run when it reaches `timeout_iters` (the count then resets)
///   or when some rank has no generation request (nothing to overlap).
///
/// The count grows on every step that does not release, whether or not any
/// rank holds a context request, so a new request waits up to
/// `timeout_iters` steps.
struct AttentionDPBalancer: Sendable {
  let balance: AttentionDPBalance
  /// Steps since the contexts were last released (`adp_ctx_waiting_iters_count`).
  private(set) var waited = 0
  /// Steps the contexts have waited with every rank holding one
  /// (`adp_ctx_batching_wait_iters_count`).
  private(set) var batched = 0

  init(_ balance: AttentionDPBalance) { self.balance = balance }

  /// Whether this step's context requests run on every rank, given whether
  /// every rank has a context request to run, every rank has a generation
  /// request, and every rank has room for more (fewer generation requests
  /// than its `max_batch_size`).
  mutating func releases(allHaveContext: Bool, allHaveGeneration: Bool, allHaveRoom: Bool) -> Bool {
    if allHaveRoom && allHaveContext {
      waited = 0
      guard allHaveGeneration else { return true }
      if batched < balance.batchingWaitIterations {
        batched += 1
        return false
      }
      batched = 0
      return true
    }
    waited += 1
    if waited >= balance.timeoutIterations || !allHaveGeneration {
      waited = 0
      return true
    }
    return false
  }
}

extension AttentionDPBalancer {
  /// Whether `scheduler` (one attention rank) has a context request it could
  /// run this step (a prompt partly prefilled, or a waiting request and a
  /// free slot), whether it has a generation request, and whether it has
  /// fewer generation requests than its most running requests. TensorRT-LLM
  /// counts the requests its capacity scheduler picked; servesim counts
  /// those the rank could pick, before the KV check.
  static func counts(_ scheduler: borrowing ReplicaScheduler, _ requests: borrowing RequestWindow) -> (
    context: Bool, generation: Bool, room: Bool
  ) {
    var generation = 0
    for id in scheduler.running where requests[Int(id)].isDecoding { generation += 1 }
    let slots = scheduler.running.count < scheduler.limits.maxNumSeqs
    let context = scheduler.running.count > generation || (slots && !scheduler.waiting.isEmpty)
    return (context, generation > 0, generation < scheduler.limits.maxNumSeqs)
  }
}
