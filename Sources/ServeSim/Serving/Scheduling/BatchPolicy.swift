/// How a scheduler forms one iteration's batch from its running and waiting
/// requests. One type per policy (`VLLMPolicy`, `SarathiPolicy`, `OrcaPolicy`,
/// `StaticPolicy`); a new policy is a new type composed of the scheduler's
/// steps (`scheduleDecodes`, `schedulePartialPrefills`, `admitWaiting`,
/// `scheduleStatic`) and a case in `SchedulingPolicy.batchPolicy`.
protocol BatchPolicy: Sendable {
  /// Adds the iteration's requests to `batch` (and to the scheduler's
  /// `batchIDs`/`batchTokens`), admitting, allocating and preempting as the
  /// policy does.
  static func formBatch(
    _ scheduler: inout ReplicaScheduler, _ requests: inout RequestWindow, _ batch: inout BatchContext)
}

extension SchedulingPolicy {
  /// The type that forms batches under this policy.
  var batchPolicy: any BatchPolicy.Type {
    switch self {
    case .vllm: VLLMPolicy.self
    case .sarathi: SarathiPolicy.self
    case .orca: OrcaPolicy.self
    case .static: StaticPolicy.self
    case .sglang: SGLangPolicy.self
    case .trtllm: TRTLLMPolicy.self
    }
  }
}
