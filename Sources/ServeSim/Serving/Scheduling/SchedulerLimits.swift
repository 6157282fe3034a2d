/// The limits a scheduler forms batches under, from the plan's scheduler
/// settings.
struct SchedulerLimits: Sendable {
  let policy: SchedulingPolicy
  /// Tokens per KV-cache block.
  let blockSize: Int
  /// Most requests running at once.
  let maxNumSeqs: Int
  /// Most tokens one iteration computes (the token budget).
  let maxNumBatchedTokens: Int
  /// Whether prompts are split into chunks that fit the budget (Sarathi, and
  /// vLLM with chunked prefill).
  let chunked: Bool

  init(_ scheduler: SchedulerConfig) {
    policy = scheduler.policy
    blockSize = scheduler.blockSize
    maxNumSeqs = scheduler.maxNumSeqs
    maxNumBatchedTokens = scheduler.maxNumBatchedTokens
    chunked =
      policy == .sarathi
      || ([.vllm, .sglang, .trtllm].contains(policy) && scheduler.chunkedPrefill)
  }
}
