/// The pieces of a plan's pools that attention data parallelism adds.
extension ServingPools {
  /// The scheduler settings of one attention rank: SGLang 0.5.2 divides the
  /// chunked-prefill budget by the attention ranks (`server_args.py`:
  /// `chunked_prefill_size //= dp_size` under `enable_dp_attention`); other
  /// engines give each rank the plan's settings (TensorRT-LLM 1.0's
  /// `max_num_tokens` is per rank's executor).
  static func rankScheduler(_ plan: PlanSpec, parallelism: Parallelism) -> SchedulerConfig {
    var scheduler = plan.scheduler
    let n = parallelism.attentionData
    if n > 1 && plan.engine == .sglang {
      scheduler.maxNumBatchedTokens = max(scheduler.maxNumBatchedTokens / n, 1)
    }
    return scheduler
  }

  /// The lockstep pricer of a replica of `parallelism` on `cluster` (the
  /// plan's, or a disaggregated pool's) whose replica-wide cost model is
  /// `wide`: each attention rank's attention runs tensor-parallel over
  /// `attentionTensor` consecutive devices.
  static func lockstepPricer(
    plan: PlanSpec, cluster: ClusterSpec, parallelism: Parallelism, profile: EngineProfile, wide: CostModel
  ) -> LockstepPricer {
    var rank = costModel(
      plan, cluster: cluster, ranks: parallelism.attentionTensor, expert: wide.expertParallel,
      profile: profile)
    rank.kvPoolCastTokens = wide.kvPoolCastTokens
    let limits = rankScheduler(plan, parallelism: parallelism)
    var pricer = LockstepPricer(
      rank: rank, wide: wide, profile: profile, ranks: parallelism.attentionData,
      maxTokens: limits.maxNumBatchedTokens + limits.maxNumSeqs)
    // A draft model under attention DP is refused (`validateAttentionData`).
    pricer.draftHead = plan.speculative.map { $0.method != .draft } ?? false
    return pricer
  }

  /// The tokens of one layer's KV pool that `plan`'s attention backend
  /// converts whole before each absorbed MLA kernel on `cluster`'s devices
  /// (`MLAPrefillDispatch.castsKVPool`): the pool `memory` sizes; 0 when
  /// the backend reads the cache as stored.
  static func kvPoolCastTokens(_ plan: PlanSpec, cluster: ClusterSpec, memory: MemoryPlan) -> Double {
    let casts =
      plan.model.mla != nil
      && MLAPrefillDispatch.castsKVPool(
        engine: plan.engine, version: plan.release.version, device: cluster.device, precision: plan.precision)
    return casts ? Double(memory.kvTokens) : 0
  }

  /// The cost model of a tensor group of `ranks` consecutive devices of
  /// `cluster` under `plan` (its precision, engine, calibration and expert
  /// imbalance), with expert parallelism `expert`.
  static func costModel(
    _ plan: PlanSpec, cluster: ClusterSpec, ranks: Int, expert: Int, profile: EngineProfile
  ) -> CostModel {
    var cost = CostModel(
      model: plan.model, device: cluster.device, precision: plan.precision,
      tensorGroup: CommGroup(
        ranks: ranks, cluster: cluster, engine: plan.engine, customAllReduce: plan.customAllReduce),
      calibration: plan.calibration)
    cost.expertParallel = expert
    cost.fusesActivationQuantisation = profile.fusesActivationQuantisation
    cost.fusedMoEComputeShare = profile.fusedMoEComputeShare
    cost.fusedMoERowSeconds = profile.fusedMoERowPs * 1e-12
    cost.attentionComputeShare = profile.attentionComputeShare
    cost.useAttentionKernels(of: plan.engine)
    cost.expertImbalance = plan.parallelism.expertImbalance
    cost.redundantExperts = plan.parallelism.redundantExperts
    cost.fusedSharedExperts = SharedExpertFusion.experts(plan: plan, device: cluster.device, expert: expert)
    cost.mlaAbsorbedPrefixBelow = MLAPrefillDispatch.absorbedBelow(
      engine: plan.engine, version: plan.release.version, device: cluster.device)
    return cost
  }
}
