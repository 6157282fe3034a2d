import ServeSim

extension NodeReader {
  /// TensorRT-LLM's context balancing over attention ranks at `key`
  /// (`attention_balance: {timeout_iters: 60, batching_wait_iters: 0}`, its
  /// `attention_dp_config` with `enable_balance: true`; unset keys take
  /// TensorRT-LLM 1.0's defaults, 50 and 10), or nil when absent.
  func attentionBalance(_ key: String) throws(ConfigError) -> AttentionDPBalance? {
    guard has(key) else { return nil }
    let b = try child(key, allowed: ["timeout_iters", "batching_wait_iters"])
    let defaults = AttentionDPBalance()
    return AttentionDPBalance(
      timeoutIterations: try b.int(
        "timeout_iters", default: defaults.timeoutIterations, min: 1, max: 1 << 20),
      batchingWaitIterations: try b.int(
        "batching_wait_iters", default: defaults.batchingWaitIterations, min: 0, max: 1 << 20))
  }
}
