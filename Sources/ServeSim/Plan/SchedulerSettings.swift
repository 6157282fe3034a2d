/// The scheduler settings an input file gives; each one left nil takes the
/// engine's default for the plan (`EngineProfile.defaultScheduler`).
public struct SchedulerSettings: Sendable, Equatable {
  public var policy: SchedulingPolicy?
  /// Most sequences in one batch.
  public var maxNumSeqs: Int?
  /// Most tokens (prefill plus decode) in one iteration.
  public var maxNumBatchedTokens: Int?
  public var chunkedPrefill: Bool?
  /// Tokens per KV-cache block.
  public var blockSize: Int?
  /// Share of device memory the engine may use, from 0 to 1.
  public var memoryUtilization: Double?
  public var preemption: PreemptionMode?
  public var prefixCaching: Bool?
  /// The host KV tier (`scheduler.kv_offload`), its figures defaulting to the cluster's.
  public var kvOffload: KVOffloadSettings?

  public init() {}

  /// `defaults` with every setting given here in place of the default's.
  public func applied(to defaults: SchedulerConfig) -> SchedulerConfig {
    var s = defaults
    s.policy = policy ?? s.policy
    s.maxNumSeqs = maxNumSeqs ?? s.maxNumSeqs
    s.maxNumBatchedTokens = maxNumBatchedTokens ?? s.maxNumBatchedTokens
    s.chunkedPrefill = chunkedPrefill ?? s.chunkedPrefill
    s.blockSize = blockSize ?? s.blockSize
    s.memoryUtilization = memoryUtilization ?? s.memoryUtilization
    s.preemption = preemption ?? s.preemption
    s.prefixCaching = prefixCaching ?? s.prefixCaching
    return s
  }
}

extension PlanSpec {
  /// Sets the scheduler to the engine's defaults for this plan (its model,
  /// device, parallelism and precision) with `settings` in their place.
  ///
  /// Prefix caching that `settings` leaves unset is the engine's default
  /// where it is modelled (`prefixCachingModelled`) and off elsewhere (static
  /// batching, disaggregated pools), so call this after `disaggregation` is set.
  /// A disaggregated plan takes the defaults of its decode pool (where a
  /// request spends its life: SGLang sizes `max_running_requests` from the
  /// server's KV pool), not of the plan's placeholder parallelism.
  public mutating func applyScheduler(_ settings: SchedulerSettings) {
    let layout =
      disaggregation.map { ($0.decode.cluster.device, $0.decode.parallelism(plan: parallelism)) }
      ?? (cluster.device, parallelism)
    let defaults = EngineProfile.defaultScheduler(
      engine, version: engineVersion, model: model, device: layout.0, parallelism: layout.1,
      precision: precision)
    scheduler = settings.applied(to: defaults)
    scheduler.kvOffload = settings.kvOffload?.resolved(for: cluster)
    if settings.maxNumSeqs == nil, let cap = EngineProfile.speculativeMaxRunning(engine, speculative) {
      scheduler.maxNumSeqs = min(scheduler.maxNumSeqs, cap)
    }
    if settings.prefixCaching == nil && !prefixCachingModelled {
      scheduler.prefixCaching = false
    }
  }
}
