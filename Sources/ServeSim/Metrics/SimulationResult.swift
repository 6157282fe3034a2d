/// Everything a simulation produced, as a value.
public struct SimulationResult: Sendable {
  public var plan: PlanSpec
  public var memory: MemoryPlan
  /// Every request, in creation order (its index is its ID); empty when the
  /// simulation streamed them to an observer.
  public var requests: [RequestRecord]
  /// Every iteration of every replica, in start order; empty when streamed.
  public var iterations: [IterationRecord]
  /// Pooled inter-token latencies, in seconds.
  public var itl: WeightedSamples
  /// Model FLOPs done by all devices.
  public var totalFlops: Double
  /// Σ over stage iterations of duration × devices of the stage, in device-seconds.
  public var busyDeviceSeconds: Double
  /// Σ over batches of the scheduler's share of KV blocks in use × the batch's
  /// time in flight, in seconds.
  public var kvUseSeconds: Double
  /// Σ over batches of time in flight, in seconds.
  public var inFlightSeconds: Double
  public var warnings: [String]
  /// Device time of all iterations split by the source that priced it
  /// (measured, fitted, datasheet), in seconds.
  public var costSources = SourceSeconds()
  /// Busy device-seconds and devices of each pool (one pool, or prefill and decode).
  public var poolBusyDeviceSeconds: [Double] = []
  public var poolDevices: [Int] = []
  /// Prompt tokens found in prefix caches, and prompt tokens looked up.
  public var prefixHitTokens = 0
  public var prefixLookupTokens = 0
  /// Most requests running in one scheduler at any iteration.
  public var peakRunning = 0
  /// Most KV blocks in use in one scheduler at any iteration.
  public var peakUsedBlocks = 0
  /// Iterations in which the token budget (`max_num_batched_tokens`) turned
  /// away tokens a request wanted, and the most of it one iteration used: with
  /// no denials, any budget at least that peak forms the same batches.
  public var budgetDenials = 0
  public var peakBudgetUse = 0
  /// Speculative decoding: verify steps of requests, and the tokens they gave.
  public var verifySteps = 0
  public var verifiedTokens = 0
  /// Requests created and iteration records (one per stage) of the whole run,
  /// streamed or kept (nil: the counts of `requests` and `iterations`).
  public var requestCount: Int?
  public var iterationCount: Int?
  /// What the host KV tier moved (nil without `scheduler.kv_offload`).
  public var offload: OffloadCounts?

  /// Requests of the whole run.
  public var totalRequests: Int { requestCount ?? requests.count }
  /// Iteration records (one per stage) of the whole run.
  public var totalIterations: Int { iterationCount ?? iterations.count }
}
