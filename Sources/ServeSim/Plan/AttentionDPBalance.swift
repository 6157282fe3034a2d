/// TensorRT-LLM's context balancing under attention data parallelism
/// (`attention_dp_config` with `enable_balance: true`, TensorRT-LLM 1.0
/// `AttentionDpConfig` in `tensorrt_llm/llmapi/llm_args.py`): a context
/// (prefill) request waits on its rank until every rank has one to run, so
/// that the ranks prefill in the same step instead of each stalling the
/// others' decodes with a prefill of its own, or until the wait times out.
/// `AttentionDPBalancer` applies it step by step. The `tensorrt-llm` wheel
/// could not be fetched here (PyPI holds a stub that downloads it from
/// NVIDIA's index), so this and the other TensorRT-LLM 1.0 rules of attention
/// DP follow its published source, not a copy read in this repository.
public struct AttentionDPBalance: Sendable, Equatable {
  /// Steps after which held context requests run although not every rank
  /// has one (`timeout_iters`; 1.0's default 50).
  public var timeoutIterations: Int
  /// Steps that context requests still wait, once every rank has one, while
  /// every rank also decodes, to gather more (`batching_wait_iters`; 1.0's
  /// default 10).
  public var batchingWaitIterations: Int

  public init(timeoutIterations: Int = 50, batchingWaitIterations: Int = 10) {
    self.timeoutIterations = timeoutIterations
    self.batchingWaitIterations = batchingWaitIterations
  }
}
