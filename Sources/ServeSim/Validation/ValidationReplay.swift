/// Turns a measured experiment into a plan and simulates it.
public enum ValidationReplay {
  /// The plan that replays `experiment` on `cluster` (one node is enough:
  /// the suites hold single-node runs): the engine's default scheduler for
  /// the model, device, parallelism and precision, prefix caching off (the
  /// benchmarks send random tokens, so no prompt shares a prefix), one
  /// replica, and the warm-up requests ahead of the measured ones.
  public static func plan(_ experiment: ValidationExperiment, model: ModelSpec, cluster: ClusterSpec)
    -> PlanSpec
  {
    var workload = WorkloadSpec(
      name: experiment.id, arrival: experiment.arrival,
      requests: experiment.requests + experiment.warmupRequests, durationS: nil,
      inputTokens: experiment.inputTokens, outputTokens: experiment.outputTokens)
    workload.warmupRequests = experiment.warmupRequests
    var scheduler = EngineProfile.defaultScheduler(
      experiment.engine, model: model, device: cluster.device, parallelism: experiment.parallelism,
      precision: experiment.precision)
    scheduler.prefixCaching = false
    return PlanSpec(
      name: "\(experiment.suite)/\(experiment.id)", model: model, cluster: cluster, workload: workload,
      engine: experiment.engine, parallelism: experiment.parallelism, precision: experiment.precision,
      scheduler: scheduler, router: .roundRobin,
      slo: ServiceLevel(ttftMs: 2000, tpotMs: 100, percentile: 90), seed: 1)
  }

  /// Simulates `experiment` and returns its predicted figures, one per
  /// measured metric, or why it could not run.
  public static func run(_ experiment: ValidationExperiment, model: ModelSpec, cluster: ClusterSpec)
    -> ValidationOutcome
  {
    let plan = plan(experiment, model: model, cluster: cluster)
    let summary: Summary
    do {
      var simulator = try Simulator(plan: plan)
      summary = Summary(try simulator.run())
    } catch {
      switch error {
      case .doesNotFit: return .failed("does not fit in memory")
      case .invalidPlan(let issues): return .failed("invalid plan: \(issues.first?.message ?? "")")
      case .invariantViolated(let what): return .failed(what)
      }
    }
    if summary.completed == 0 { return .failed("every request dropped") }
    return .predicted(experiment.measured.map { $0.metric.value(in: summary) })
  }
}
