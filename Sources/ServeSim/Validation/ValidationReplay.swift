/// Turns a measured experiment into a plan and simulates it.
public enum ValidationReplay {
  /// The plan that replays `experiment` on `cluster` (one node, or for a
  /// disaggregated run as many as its pools take): the engine's default
  /// scheduler for
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
    workload.coldStart = experiment.coldStart
    workload.exactRate = experiment.exactRate
    let release = release(of: experiment)
    var cluster = cluster
    var parallelism = experiment.parallelism
    var disaggregation: Disaggregation?
    if let pools = experiment.pools {
      // As many nodes of the source's GPU as the pools take (a GB200 rack's
      // NVLink domain spans its trays); the plan's own parallelism is the
      // placeholder a disaggregated plan keeps (data, tensor 1).
      let nodes = (pools.devices + cluster.devicesPerNode - 1) / cluster.devicesPerNode
      cluster.nodes = max(cluster.nodes, nodes)
      parallelism = Parallelism()
      // The recipe's copies of experts where a pool's degree needs them
      // (they apply to every expert-parallel group of the plan).
      let degrees = [pools.prefill.expert, pools.decode.expert]
      if let moe = model.moe, degrees.contains(where: { $0 > 1 && moe.experts % $0 != 0 }) {
        parallelism.redundantExperts = experiment.recipeRedundantExperts
      }
      disaggregation = Disaggregation(
        prefill: ValidationPools.pool(pools.prefill, cluster: cluster),
        decode: ValidationPools.pool(pools.decode, cluster: cluster), transferLink: nil, cluster: cluster)
    }
    var plan = PlanSpec(
      name: "\(experiment.suite)/\(experiment.id)", model: model, cluster: cluster, workload: workload,
      engine: experiment.engine, parallelism: parallelism, precision: experiment.precision,
      scheduler: EngineProfile.of(experiment.engine).scheduler, router: .roundRobin,
      slo: ServiceLevel(ttftMs: 2000, tpotMs: 100, percentile: 90), seed: 1)
    plan.disaggregation = disaggregation
    plan.engineVersion = release.version
    plan.attentionDPBalance = experiment.attentionDPBalance
    plan.schedulerRecvInterval = experiment.schedulerRecvInterval
    plan.cudaGraphMaxBatch = experiment.cudaGraphMaxBatch
    // The engine's defaults for the plan (a disaggregated plan's decode
    // pool) with the settings the source's launch gave in their place (a
    // token budget, chunking), as a plan file's `scheduler:` gets them
    // (PlanLoader).
    var settings = experiment.scheduler
    settings.prefixCaching = false
    if let options = experiment.llamaCpp {
      // As a plan file's `engine: {name: llamacpp, ...}` sets them.
      plan.applyLlamaCpp(options, to: &settings)
    }
    plan.applyScheduler(settings)
    // One-time start-up work (first-batch tuning, kernels loaded on first
    // use) was done by a warm-up phase; Triton fused-MoE variants are
    // compiled per batch shape, and the measured batches differ from the
    // warm-up copies'.
    if experiment.warmupPhase && !FusedMoECompiles.apply(to: plan) { plan.workload.coldStart = false }
    if let speculative = experiment.speculative {
      plan.speculative = speculative
      if !experiment.setsMaxRunning,
        let cap = EngineProfile.speculativeMaxRunning(experiment.engine, speculative)
      {
        plan.scheduler.maxNumSeqs = min(plan.scheduler.maxNumSeqs, cap)
      }
    }
    return plan
  }

  /// The modelled release that replays the engine version the source names
  /// (`EngineRelease`: the newest modelled one not newer than it): the first
  /// release number in `engineVersion` ("lmsysorg/sglang:v0.5.9-cu130" is
  /// SGLang 0.5, "release:1.1.0rc2" TensorRT-LLM 1.0). A version older than
  /// every modelled one takes the oldest (the trtllm-online suite's
  /// TensorRT-LLM 0.14 and the perf tables' 0.17 run as 0.19: the same
  /// batch, token and memory defaults, see `EngineProfile.trtllm`). A source
  /// that names no engine version, or only the version of a container around
  /// it (NVIDIA Dynamo images, "ai-dynamo/tensorrtllm-runtime:0.8.1", whose
  /// number is Dynamo's), takes the newest.
  public static func release(of experiment: ValidationExperiment) -> EngineRelease {
    let text = experiment.engineVersion.lowercased()
    guard !text.contains("dynamo"), let version = EngineVersion.first(in: text) else {
      return EngineRelease(experiment.engine)
    }
    return EngineRelease(experiment.engine, version)
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
