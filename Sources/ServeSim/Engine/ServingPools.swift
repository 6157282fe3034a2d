/// The device pools of a plan, one or (disaggregated) a prefill and a decode
/// pool, each with its memory plan and iteration pricer.
struct ServingPools: Sendable {
  /// Iteration pricers by pool.
  var pricers: [IterationPricer]
  /// Under attention data parallelism, the pricer of a replica's lockstep
  /// iterations, by pool (nil for a pool without it).
  var lockstep: [LockstepPricer?]
  /// Attention ranks per replica by pool (1: no attention data parallelism),
  /// kept apart so that every event reads them without copying an optional
  /// pricer out.
  private(set) var ranks: [Int]
  /// The first scheduler of each pool (schedulers are the prefill pool's, then
  /// the decode pool's).
  private(set) var firstScheduler: [Int]
  /// Whether some pool's attention ranks step together.
  let lockstepped: Bool
  /// Attention ranks per replica of the entry pool (the prefill pool when
  /// disaggregated).
  var attentionRanks: Int { ranks[0] }
  /// The parallelism of each pool (the plan's when aggregated).
  let parallelism: [Parallelism]
  /// Memory plans by pool.
  let memory: [MemoryPlan]
  /// Tensor degree by pool (devices of one stage).
  let tensor: [Double]
  /// Data-parallel replicas that take arrivals (the prefill pool when disaggregated).
  let entryReplicas: Int
  /// Most blocks one request may need: the smallest scheduler pool it passes
  /// through (the decode pool's too when disaggregated).
  let maxRequestBlocks: Int

  /// Builds the pools of `plan`.
  ///
  /// - Parameter reused: pricers already warmed for this plan's model, devices,
  ///   parallelism, precision and engine (the optimizer shares them); nil builds new ones.
  /// - Throws: `SimulationError.doesNotFit` when a pool's weights leave no room for the KV cache.
  init(plan: PlanSpec, profile: EngineProfile, reusing reused: [IterationPricer]?) throws(SimulationError) {
    var pools: [(cluster: ClusterSpec, parallelism: Parallelism)] = [(plan.cluster, plan.parallelism)]
    if let d = plan.disaggregation {
      pools = [
        (d.prefill.cluster, d.prefill.parallelism(plan: plan.parallelism)),
        (d.decode.cluster, d.decode.parallelism(plan: plan.parallelism)),
      ]
    }
    var memories = [MemoryPlan]()
    var built = [IterationPricer]()
    // Reused pricers stand for every pool or none (the optimizer shares them).
    // A speculative plan's engine may differ from the one the shared pricers
    // were built for (SGLang without its overlap scheduler), and so may one
    // whose scheduling overlaps otherwise (vLLM 0.14 with pipeline stages):
    // built anew then.
    let shared = reused?.first?.profile
    let sameEngine =
      (plan.speculative == nil || shared == profile)
      && shared.map { $0.overlapsScheduling == profile.overlapsScheduling } ?? true
    for (index, pool) in pools.enumerated() {
      var m = MemoryPlan(
        model: plan.model, device: pool.cluster.device, parallelism: pool.parallelism,
        precision: plan.precision, scheduler: plan.scheduler, engine: plan.engine)
      if let options = plan.llamacpp {
        m.capToLlamaCpp(options, model: plan.model, blockSize: plan.scheduler.blockSize)
      }
      if !m.fits {
        var poolPlan = plan
        poolPlan.cluster = pool.cluster
        poolPlan.parallelism = pool.parallelism
        if pools.count > 1 { poolPlan.name += index == 0 ? " (prefill pool)" : " (decode pool)" }
        throw .doesNotFit(FitReport(plan: poolPlan, memory: m))
      }
      memories.append(m)
    }
    // The pool a backend converts whole each step (`kvPoolCastTokens`) is
    // the plan's own, as its memory sets it.
    let casts = zip(pools, memories).map { pool, m in
      Self.kvPoolCastTokens(plan, cluster: pool.cluster, memory: m)
    }
    let sameCast = reused.map { zip($0, casts).allSatisfy { $0.cost.kvPoolCastTokens == $1 } } ?? true
    let reuse = reused?.count == pools.count && sameEngine && sameCast ? reused : nil
    if reuse == nil {
      for (pool, cast) in zip(pools, casts) {
        var cost = Self.costModel(
          plan, cluster: pool.cluster, ranks: pool.parallelism.tensor, expert: pool.parallelism.expert,
          profile: profile)
        cost.kvPoolCastTokens = cast
        built.append(
          IterationPricer(
            cost: cost, profile: profile,
            maxTokens: plan.scheduler.maxNumBatchedTokens + plan.scheduler.maxNumSeqs))
      }
    }
    memory = memories
    pricers = reuse ?? built
    var lockstep = [LockstepPricer?](repeating: nil, count: pools.count)
    for (i, pool) in pools.enumerated() where pool.parallelism.attentionData > 1 {
      lockstep[i] = Self.lockstepPricer(
        plan: plan, cluster: pool.cluster, parallelism: pool.parallelism, profile: profile,
        wide: pricers[i].cost)
    }
    self.lockstep = lockstep
    ranks = pools.map { max($0.parallelism.attentionData, 1) }
    lockstepped = ranks.contains { $0 > 1 }
    parallelism = pools.map(\.parallelism)
    firstScheduler = [0, pools[0].parallelism.data * ranks[0] * plan.parallelism.pipeline]
    if let speculative = plan.speculative {
      // Reused pricers may come from a plan that did not speculate.
      for i in pricers.indices where pricers[i].draft == nil {
        pricers[i].draft = DraftPricer(
          method: speculative.method, target: pricers[i].cost, draftModel: speculative.draftModel)
      }
    }
    tensor = pools.map { Double($0.parallelism.tensor) }
    entryReplicas = pools[0].parallelism.data
    let blocks = memories[0].blocks / plan.parallelism.pipeline
    maxRequestBlocks = min(blocks, memories.count > 1 ? memories[1].blocks : blocks)
  }

  /// The schedulers of `plan`: one per stage of each data-parallel replica,
  /// or prefill replicas then decode replicas when disaggregated.
  func makeSchedulers(plan: PlanSpec) -> [ReplicaScheduler] {
    let stages = plan.parallelism.pipeline
    let blocks = memory[0].blocks / stages
    var prefix = PrefixIndex.none
    if plan.scheduler.prefixCaching, let shared = plan.workload.sharedPrefix {
      prefix = .groups(PrefixCache(groups: shared.groups))
    }
    if plan.scheduler.prefixCaching, let hashes = plan.workload.trace?.blockHashes, hashes.count > 0 {
      let perHash = hashes.blockTokens / plan.scheduler.blockSize
      prefix = .hashes(BlockPrefixCache(hashes: hashes.distinct, blocksPerHash: perHash), hashes)
    }
    guard plan.disaggregation != nil else {
      let limits = SchedulerLimits(Self.rankScheduler(plan, parallelism: plan.parallelism))
      let offload = HostKVTier(plan: plan, prefix: prefix, blockBytes: memory[0].blockBytes)
      // Under attention data parallelism a replica's schedulers are its
      // attention ranks ([replica · ranks + rank]; pipeline is 1).
      let perReplica = stages * ranks[0]
      return (0..<plan.parallelism.data * perReplica).map {
        var scheduler = ReplicaScheduler(
          blocks: blocks, pipeline: $0 / perReplica, limits: limits, prefix: prefix)
        scheduler.offload = offload
        return scheduler
      }
    }
    // Each pool's replicas, their attention ranks consecutive; a scheduler's
    // `pipeline` is its replica's row in the stage timeline (prefill
    // replicas, then decode replicas).
    let prefill = parallelism[0].data
    let prefillLimits = SchedulerLimits(Self.rankScheduler(plan, parallelism: parallelism[0]))
    let decodeLimits = SchedulerLimits(Self.rankScheduler(plan, parallelism: parallelism[1]))
    return (0..<prefill * ranks[0]).map {
      ReplicaScheduler(
        blocks: blocks, pipeline: $0 / ranks[0], pool: 0, role: .prefill, limits: prefillLimits,
        prefix: prefix)
    }
      + (0..<parallelism[1].data * ranks[1]).map {
        ReplicaScheduler(
          blocks: memory[1].blocks, pipeline: prefill + $0 / ranks[1], pool: 1, role: .decode,
          limits: decodeLimits, prefix: prefix)
      }
  }

  /// Replicas of every pool (the stage timeline's rows).
  var replicas: Int { parallelism.reduce(0) { $0 + $1.data } }

  /// Devices of each pool.
  var poolDevices: [Int] { parallelism.map { $0.data * $0.devicesPerReplica } }
}
