/// The replica scheduler's settings. Values a plan leaves out come from the
/// engine's defaults (`EngineProfile`).
public struct SchedulerConfig: Sendable, Equatable {
  public var policy: SchedulingPolicy
  /// Most sequences in one batch.
  public var maxNumSeqs: Int
  /// Most tokens (prefill plus decode) in one iteration.
  public var maxNumBatchedTokens: Int
  public var chunkedPrefill: Bool
  /// Tokens per KV-cache block.
  public var blockSize: Int
  /// Share of device memory the engine may use (weights, activations, KV cache).
  public var memoryUtilization: Double
  public var preemption: PreemptionMode
  public var prefixCaching: Bool
  /// The host KV tier, when the plan asks for one.
  public var kvOffload: KVOffload?

  public init(
    policy: SchedulingPolicy, maxNumSeqs: Int, maxNumBatchedTokens: Int, chunkedPrefill: Bool,
    blockSize: Int, memoryUtilization: Double, preemption: PreemptionMode = .recompute,
    prefixCaching: Bool = false
  ) {
    self.policy = policy
    self.maxNumSeqs = maxNumSeqs
    self.maxNumBatchedTokens = maxNumBatchedTokens
    self.chunkedPrefill = chunkedPrefill
    self.blockSize = blockSize
    self.memoryUtilization = memoryUtilization
    self.preemption = preemption
    self.prefixCaching = prefixCaching
  }
}
