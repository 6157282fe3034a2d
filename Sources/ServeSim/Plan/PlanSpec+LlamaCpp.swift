extension PlanSpec {
  /// Makes this a llama.cpp plan with `options`: the slots are the scheduler's
  /// `max_num_seqs` and `--batch-size` its token budget (unless `settings`
  /// sets them), and `--threads` scales the device (`LlamaCppOptions.scaled`).
  /// The token budget is at least the slot count: the server's batch holds
  /// max(n_batch, n_parallel) tokens (server-context.cpp, `batch.init`), one
  /// sampled token per generating slot.
  public mutating func applyLlamaCpp(_ options: LlamaCppOptions, to settings: inout SchedulerSettings) {
    var options = options
    // A scheduler's max_num_seqs is the slot count when the engine sets none.
    if options.parallel == nil, let seqs = settings.maxNumSeqs { options.parallel = seqs }
    llamacpp = options
    settings.maxNumSeqs = settings.maxNumSeqs ?? options.slots
    settings.maxNumBatchedTokens = settings.maxNumBatchedTokens ?? max(options.batchSize, options.slots)
    cluster.device = options.scaled(cluster.device)
  }
}
