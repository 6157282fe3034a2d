import Dispatch
import Synchronization

/// Runs a search: enumerate, reject what cannot fit, bound, then simulate the
/// plans that could still win, in waves, best bound first.
///
/// Plans are taken in waves of a fixed size in a fixed order; a wave's plans
/// run in parallel over `jobs` workers, each taking the next plan when free, and the
/// best-so-far used for pruning changes only between waves, so the outcome of
/// every plan is the same whatever `jobs` and the timing.
public struct SearchRunner: Sendable {
  public var space: SearchSpace
  public var jobs: Int
  /// Plans per wave.
  public var waveSize: Int
  public var capacity: CapacitySearch
  /// Skip plans whose bound cannot beat the best found (off: exhaustive).
  public var prune = true
  /// Search only this shard's plans (nil: every plan).
  public var shard: SearchShard?
  /// Reuse a saved outcome only where this run would simulate the plan from
  /// the same first rate (a merge of shards); else reuse every saved one (a resume).
  public var replayOnlyMatching = false

  public init(space: SearchSpace, jobs: Int = 1, waveSize: Int = 16) {
    self.space = space
    self.jobs = max(jobs, 1)
    self.waveSize = max(waveSize, 1)
    capacity = CapacitySearch(
      tolerance: space.tolerance, requestsPerReplica: space.requestsPerReplica)
  }

  /// Runs the search.
  ///
  /// - Parameters:
  ///   - previous: outcomes saved by an interrupted run of the same search, by
  ///     plan name; they are reused, not recomputed.
  ///   - progress: called after each wave.
  ///   - save: called with each wave's new outcomes, before the next wave
  ///     starts (the caller persists them; resuming needs nothing else).
  public func run(
    previous: [String: SearchOutcome] = [:], progress: (SearchProgress) -> Void = { _ in },
    save: ([SearchOutcome]) throws -> Void = { _ in }
  ) rethrows -> SearchResult {
    let enumerated = PlanEnumerator.plans(space)
    let plans =
      shard.map { $0.plans(of: enumerated, requestsPerReplica: capacity.requestsPerReplica) } ?? enumerated
    var outcomes = [SearchOutcome?](repeating: nil, count: plans.count)
    var pricerCache = [String: [IterationPricer]]()
    var order = [(index: Int, key: Double)]()
    var bounds = [Double](repeating: 0, count: plans.count)
    let objective = space.objective

    // Setup: rules, memory, bounds. Plans sharing a cost model form a group,
    // set up in plan order by one worker (so each group keeps the very
    // pricers a sequential pass would: one per scheduler limits, all with the
    // group's memo); the groups run in parallel over `jobs` workers.
    // The probe sample depends on the request count alone (the space fixes
    // the model, workload and seed), so it is drawn once per count.
    var groups = [[Int]]()
    var groupOf = [String: Int]()
    for i in plans.indices {
      let key = Self.costKey(plans[i])
      if let g = groupOf[key] {
        groups[g].append(i)
      } else {
        groupOf[key] = groups.count
        groups.append([i])
      }
    }
    var samples = [Int: Sample]()
    for plan in plans {
      let n = capacity.requestsPerReplica * plan.parallelism.data
      if samples[n] == nil { samples[n] = Self.sampleTokens(plan, requests: n) }
    }
    let planList = plans
    let setups = Mutex([[SetUp]](repeating: [], count: groups.count))
    let me = self
    let groupList = groups
    let sampleList = samples
    let next = Atomic(0)
    DispatchQueue.concurrentPerform(iterations: min(jobs, max(groups.count, 1))) { _ in
      while true {
        let g = next.add(1, ordering: .relaxed).oldValue
        guard g < groupList.count else { return }
        var group = SetUpGroup()
        for i in groupList[g] {
          let s = planList[i].scheduler
          group.top = max(group.top, s.maxNumBatchedTokens + s.maxNumSeqs)
        }
        var done = [SetUp]()
        for i in groupList[g] {
          done.append(me.setUp(planList[i], index: i, samples: sampleList, group: &group))
        }
        setups.withLock { $0[g] = done }
      }
    }
    for done in setups.withLock({ $0 }) {
      for setUp in done {
        if let outcome = setUp.outcome {
          outcomes[setUp.index] = outcome
          continue
        }
        bounds[setUp.index] = setUp.bound
        order.append((setUp.index, objectiveBound(plans[setUp.index], bound: setUp.bound)))
      }
      for setUp in done {
        if let pricers = setUp.pricers { pricerCache[Self.pricerKey(plans[setUp.index])] = pricers }
      }
    }
    order.sort { a, b in
      if a.key != b.key { return objective.maximises ? a.key > b.key : a.key < b.key }
      return a.index < b.index
    }

    var best: (index: Int, value: Double)?
    var anchors = [String: Int]()
    func consider(_ i: Int) {
      guard let o = outcomes[i], o.status == .evaluated else { return }
      if o.capacity > 0 && anchors[Self.neighbourKey(o.plan)] == nil {
        anchors[Self.neighbourKey(o.plan)] = i
      }
      guard let value = o.objective else { return }
      if let b = best, !objective.better(value, than: b.value) { return }
      best = (i, value)
    }
    for i in outcomes.indices where outcomes[i] != nil { consider(i) }
    var progressState = SearchProgress(
      total: plans.count, done: 0, evaluated: 0, infeasible: 0, pruned: 0, best: nil, bestValue: nil)

    let pending = order.filter { outcomes[$0.index] == nil }.map(\.index)
    let pendingSet = Set(pending)
    // Plans that differ only in max_num_seqs and max_num_batched_tokens are
    // siblings: one is simulated at a time, and when a simulated sibling never
    // had its max_num_seqs reached (the other's cap being larger), never had
    // tokens turned away by its token budget (the other's budget being at
    // least the most it used), and never had more KV blocks in use than the
    // other has, the other would run the very same events, so its outcome is
    // copied (`dominatingSibling`).
    var evaluatedSiblings = [String: [Int]]()
    // Plans that differ at most in data degree, max_num_seqs and batched
    // tokens are neighbours. A neighbourhood's plans run one at a time, in
    // order, until one finds a capacity (its anchor); then one per sibling
    // group. Each starts its capacity search from the capacity per replica of
    // the last sibling before it in order, else of the anchor. So a
    // neighbourhood's outcomes depend on its own plans and the pruning alone,
    // not on how waves fill, and a shard holding the neighbourhood computes
    // them as one run does (`SearchShard`).
    var hoods = [String: [Int]]()
    var place = [Int](repeating: 0, count: plans.count)
    var siblingKeys = [String](repeating: "", count: plans.count)
    for i in pending {
      let key = Self.neighbourKey(plans[i])
      place[i] = hoods[key, default: []].count
      hoods[key, default: []].append(i)
      siblingKeys[i] = Self.siblingKey(plans[i])
    }
    func guess(_ i: Int) -> Double? {
      let key = Self.neighbourKey(plans[i])
      var from = anchors[key]
      for j in (hoods[key] ?? [])[..<place[i]].reversed() where siblingKeys[j] == siblingKeys[i] {
        if let o = outcomes[j], o.status == .evaluated, o.capacity > 0 {
          from = j
          break
        }
      }
      guard let j = from, let o = outcomes[j] else { return nil }
      return o.capacity / Double(plans[j].parallelism.data) * Double(plans[i].parallelism.data)
    }
    let simulated = Atomic(0)
    var cursor = 0
    while cursor < pending.count {
      var wave = [Int]()
      var toRun = [Int]()
      var waveGroups = Set<String>()
      var scan = cursor
      while scan < pending.count && toRun.count < waveSize {
        let i = pending[scan]
        scan += 1
        if outcomes[i] != nil { continue }
        let group = Self.budgetKey(plans[i])
        if let copy = dominatingSibling(
          of: i, plans: plans, in: evaluatedSiblings[group] ?? [], outcomes: outcomes, bound: bounds[i])
        {
          outcomes[i] = copy
          wave.append(i)
          continue
        }
        let hood = Self.neighbourKey(plans[i])
        if waveGroups.contains(group) || (anchors[hood] == nil && waveGroups.contains(hood)) { continue }
        if let reason = pruneReason(
          plans[i], bound: bounds[i], best: best.map { ($0.value, plans[$0.index].name) })
        {
          outcomes[i] = SearchOutcome(plan: plans[i], status: .pruned, reason: reason, bound: bounds[i])
          wave.append(i)
          continue
        }
        waveGroups.insert(group)
        waveGroups.insert(hood)
        toRun.append(i)
        wave.append(i)
      }
      while cursor < pending.count && outcomes[pending[cursor]] != nil && !toRun.contains(pending[cursor]) {
        cursor += 1
      }
      let guesses = toRun.map(guess)
      let runPricers = toRun.map { pricerCache[Self.pricerKey(plans[$0])] }
      let waveBest = best.map { (value: $0.value, name: plans[$0.index].name) }
      let results = Mutex([SearchOutcome?](repeating: nil, count: toRun.count))
      let workers = min(jobs, max(toRun.count, 1))
      let boundList = bounds
      let runList = toRun
      // Each worker takes the wave's next plan when it is free (plans differ
      // in length tenfold); the outcomes land in their places.
      let taken = Atomic(0)
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
          let k = taken.add(1, ordering: .relaxed).oldValue
          guard k < runList.count else { return }
          let i = runList[k]
          // A resumed search replays the saved outcome in its place, so every
          // later decision (pruning, warm starts, copies) is the same as in
          // the uninterrupted run.
          let cut = me.cutRate(planList[i], best: waveBest?.value)
          var outcome = me.replayed(previous[planList[i].name], guess: guesses[k], cut: cut)
          if outcome == nil {
            simulated.add(1, ordering: .relaxed)
            outcome = me.evaluate(
              planList[i], bound: boundList[i], guess: guesses[k], pricers: runPricers[k], best: waveBest,
              cut: cut)
          }
          results.withLock { $0[k] = outcome }
        }
      }
      let finished = results.withLock { $0 }
      for (k, i) in toRun.enumerated() {
        outcomes[i] = finished[k]
        evaluatedSiblings[Self.budgetKey(plans[i]), default: []].append(i)
      }
      for i in wave { consider(i) }
      while cursor < pending.count && outcomes[pending[cursor]] != nil { cursor += 1 }
      try save(wave.compactMap { outcomes[$0] })
      progressState = tally(outcomes, total: plans.count, best: best.map { (plans[$0.index].name, $0.value) })
      progress(progressState)
    }
    let final = outcomes.enumerated().map { i, o in
      o ?? SearchOutcome(plan: plans[i], status: .infeasible, reason: "not evaluated")
    }
    try save(
      final.enumerated().filter { previous[$0.element.plan.name] == nil && !pendingSet.contains($0.offset) }
        .map(\.element))
    progress(tally(final, total: plans.count, best: best.map { (plans[$0.index].name, $0.value) }))
    return SearchResult(
      space: space, outcomes: final, best: best?.index, pareto: Self.pareto(final),
      simulated: simulated.load(ordering: .relaxed))
  }

  /// One plan's setup: an outcome when it is settled without simulating
  /// (infeasible), else its capacity bound; `pricers` is set on the first
  /// feasible plan of a pricer group, warmed, for the group's simulations.
  struct SetUp {
    var index: Int
    var outcome: SearchOutcome?
    var bound = 0.0
    var pricers: [IterationPricer]?
  }

  /// What the plans of one cost model share while they are set up.
  struct SetUpGroup {
    /// The first feasible plan's pricers for each scheduler limits (`pricerKey`).
    var pricers = [String: [IterationPricer]]()
    /// The group's warmed memo, held by a one-pool pricer.
    var memo: IterationPricer?
    /// The largest max_num_batched_tokens + max_num_seqs of the group's plans.
    var top = 0
    /// Stage throughputs (`CapacityBound.stageThroughputs`) by everything
    /// they depend on: plans that differ in data degree alone share them.
    var throughputs = [String: [Double]]()
  }

  /// Checks `plan`'s rules and memory and bounds its capacity, pricing with
  /// the pricers of its scheduler limits in `group` (the first feasible
  /// plan's, set here when missing, with the group's memo).
  func setUp(_ plan: PlanSpec, index i: Int, samples: [Int: Sample], group: inout SetUpGroup) -> SetUp {
    let simulator: Simulator
    do {
      simulator = try Simulator(plan: plan)
    } catch {
      return SetUp(
        index: i, outcome: SearchOutcome(plan: plan, status: .infeasible, reason: Self.reason(error)))
    }
    let pricerKey = Self.pricerKey(plan)
    let cached = group.pricers[pricerKey]
    var pricers = cached ?? simulator.pools.pricers
    if cached == nil, pricers.count == 1, let memo = group.memo { pricers[0].adoptMemo(of: memo) }
    let n = capacity.requestsPerReplica * plan.parallelism.data
    let sample = samples[n] ?? Sample(mean: 1, maxInput: 1, contextReads: 0, prefillPairs: 0)
    // A probe request too large for the context or the KV cache is dropped
    // at every rate, so no rate passes: infeasible without simulating.
    let blockSize = plan.scheduler.blockSize
    let largestBlocks = (sample.maxTotal + blockSize - 1) / blockSize
    if sample.maxTotal > plan.model.maxContext || largestBlocks > simulator.pools.maxRequestBlocks {
      return SetUp(
        index: i,
        outcome: SearchOutcome(
          plan: plan, status: .infeasible,
          reason:
            "the longest probe request (\(sample.maxTotal) tokens) exceeds the model's context (\(plan.model.maxContext)) or a scheduler's KV cache (\(simulator.pools.maxRequestBlocks * blockSize) tokens)"
        ))
    }
    let maxTokens =
      SchedulerLimits(plan.scheduler).chunked
      ? plan.scheduler.maxNumBatchedTokens : max(plan.scheduler.maxNumBatchedTokens, sample.maxInput)
    // The KV bound needs every cached token to belong to one request.
    let kvTokens = plan.sharesPrefixBlocks || plan.disaggregation != nil ? 0 : simulator.memory.kvTokens
    let p = plan.parallelism
    let key = "\(pricerKey)|\(p.pipeline)|\(plan.disaggregation != nil)|\(maxTokens)"
    let stages =
      group.throughputs[key]
      ?? CapacityBound.stageThroughputs(plan: plan, pricer: &pricers[0], maxTokens: maxTokens)
    group.throughputs[key] = stages
    let bound = CapacityBound.requestsPerSecond(
      plan: plan, pricer: &pricers[0], maxTokens: maxTokens, meanTokens: sample.mean,
      meanContextReads: sample.contextReads, meanPrefillPairs: sample.prefillPairs,
      kvTokens: kvTokens, slack: capacity.slack, throughputs: stages)
    var setUp = SetUp(index: i, bound: bound)
    if cached == nil {
      if pricers.count == 1 {
        // One memo for the group, warmed once to its largest limits.
        pricers[0].growMemo(upTo: group.top)
        pricers[0].warm(upTo: group.top)
        group.memo = pricers[0]
      } else {
        pricers[0].warm(upTo: plan.scheduler.maxNumBatchedTokens + plan.scheduler.maxNumSeqs)
      }
      group.pricers[pricerKey] = pricers
      setUp.pricers = pricers
    }
    return setUp
  }

  /// An outcome copied from a simulated sibling (the same plan but for
  /// max_num_seqs and max_num_batched_tokens) whose runs would be this
  /// plan's: its max_num_seqs is smaller and was never reached, or equal;
  /// its token budget never turned tokens away and this plan's budget is at
  /// least the most it used, or the budgets are equal; and it never had more
  /// KV blocks in use than this plan has.
  ///
  /// The token budget is only compared where nothing else depends on it:
  /// not for static batching, attention data parallelism (whose ranks split
  /// it), disaggregated pools or llama.cpp (whose batch size it is), and
  /// under admission by reserved outputs (SGLang, TensorRT-LLM), whose test
  /// reads the free KV tokens, only between plans of the same KV pool (the
  /// budget sizes the activation reserve that TensorRT-LLM's pool is left
  /// from).
  func dominatingSibling(
    of i: Int, plans: [PlanSpec], in siblings: [Int], outcomes: [SearchOutcome?], bound: Double
  ) -> SearchOutcome? {
    let plan = plans[i]
    guard plan.scheduler.policy != .static else { return nil }
    let seqs = plan.scheduler.maxNumSeqs
    let budget = plan.scheduler.maxNumBatchedTokens
    var memory: MemoryPlan?
    for j in siblings {
      // A capacity search cut short (`evaluate`) proved the sibling's
      // capacity below a rate that cannot beat the best; the same runs prove
      // this plan's.
      guard let o = outcomes[j], o.status == .evaluated || o.status == .pruned && o.probes > 0,
        o.peakRunning > 0
      else { continue }
      let sibling = plans[j]
      let siblingSeqs = sibling.scheduler.maxNumSeqs
      let siblingBudget = sibling.scheduler.maxNumBatchedTokens
      guard siblingSeqs == seqs || (siblingSeqs < seqs && o.peakRunning < siblingSeqs) else { continue }
      guard siblingBudget == budget || o.budgetDenials == 0 && o.peakBudgetUse <= budget else { continue }
      if memory == nil { memory = MemoryPlan(plan: plan) }
      guard let memory, o.peakUsedBlocks <= memory.blocks / max(plan.parallelism.pipeline, 1) else {
        continue
      }
      var why = [String]()
      if siblingSeqs != seqs {
        why.append("max_num_seqs \(siblingSeqs) was never reached (peak \(o.peakRunning))")
      }
      if siblingBudget != budget {
        guard Self.budgetIsSeparable(plan), Self.budgetIsSeparable(sibling) else { continue }
        if plan.scheduler.policy == .sglang || plan.scheduler.policy == .trtllm {
          guard MemoryPlan(plan: sibling).blocks == memory.blocks else { continue }
        }
        why.append(
          "max_num_batched_tokens \(siblingBudget) never turned tokens away (peak \(o.peakBudgetUse))")
      }
      guard !why.isEmpty else { continue }
      var copy = o
      copy.plan = plan
      copy.bound = bound
      copy.probes = 0
      copy.reason =
        "same runs as \(sibling.name): " + why.joined(separator: "; ")
        + (o.status == .pruned ? "; " + o.reason : "")
      // The same blocks in use, of a pool of another size.
      let from = MemoryPlan(plan: sibling).blocks
      if var summary = copy.summary, from != memory.blocks, memory.blocks > 0 {
        summary.kvUtilMean *= Double(from) / Double(memory.blocks)
        copy.summary = summary
      }
      copy.objective = space.objective.value(
        plan: plan, capacity: o.capacity, summary: o.summary, requiredRate: space.requiredRate)
      return copy
    }
    return nil
  }

  /// Whether a plan's token budget only limits the tokens of each iteration
  /// (see `dominatingSibling`).
  static func budgetIsSeparable(_ plan: PlanSpec) -> Bool {
    plan.parallelism.attentionData <= 1 && plan.disaggregation == nil && plan.llamacpp == nil
      && plan.scheduler.policy != .static
  }

  /// Plans that differ at most in max_num_seqs and max_num_batched_tokens
  /// (one of them simulated at a time, so that the others may copy it).
  static func budgetKey(_ plan: PlanSpec) -> String {
    neighbourKey(plan) + "|\(plan.parallelism.data)"
  }

  /// Plans that differ at most in max_num_seqs.
  static func siblingKey(_ plan: PlanSpec) -> String {
    let p = plan.parallelism
    return neighbourKey(plan) + "|\(p.data)|\(plan.scheduler.maxNumBatchedTokens)"
  }

  /// The best objective value a plan could reach, from its capacity bound.
  func objectiveBound(_ plan: PlanSpec, bound: Double) -> Double {
    let devices = Double(plan.devices)
    let dollars = devices * plan.cluster.device.pricePerHourUSD
    switch space.objective {
    case .goodputPerDevice: return bound / devices
    case .goodputPerDollar: return dollars > 0 ? bound / dollars : bound
    case .minDevices: return devices
    case .minCost: return dollars
    case .minLatency, .minEnergy: return -bound
    }
  }

  /// Why a plan can be skipped given the best so far, or nil.
  func pruneReason(_ plan: PlanSpec, bound: Double, best: (value: Double, name: String)?) -> String? {
    guard prune else { return nil }
    let objective = space.objective
    if let rate = space.requiredRate, objective != .goodputPerDevice, objective != .goodputPerDollar,
      bound < rate
    {
      return "capacity bound \(Self.short(bound)) req/s is below the required \(Self.short(rate)) req/s"
    }
    guard let best else { return nil }
    switch objective {
    case .goodputPerDevice, .goodputPerDollar, .minDevices, .minCost:
      let reachable = objectiveBound(plan, bound: bound)
      if !objective.better(reachable, than: best.value) {
        return "bound \(Self.short(reachable)) cannot beat \(Self.short(best.value)) of \(best.name)"
      }
      return nil
    case .minLatency, .minEnergy:
      return nil
    }
  }

  /// The arrival rate, in requests per second, at or below which a failing
  /// probe cuts a plan's capacity search short (goodput objectives, with
  /// pruning on and a best found; else 0): the rate whose objective equals
  /// `best`, less the tolerance. A capacity below it cannot beat the best,
  /// and the margin keeps a failure within the tolerance of the best (which
  /// another bisection path could still end above) from cutting.
  func cutRate(_ plan: PlanSpec, best: Double?) -> Double {
    guard prune, let best, space.objective == .goodputPerDevice || space.objective == .goodputPerDollar
    else { return 0 }
    // The goodput objectives are proportional to the rate (objectiveBound).
    let perRate = objectiveBound(plan, bound: 1)
    return perRate > 0 ? best / perRate * (1 - capacity.tolerance) : 0
  }

  /// Simulates one plan: a capacity search, or one run at the required rate.
  /// With a best found (`best`) and a cut rate (`cutRate`), a capacity
  /// search stops at the first probe that fails at or below `cut` (branch
  /// and bound: the capacity lies below that rate), and the plan is pruned
  /// with the probes it took.
  func evaluate(
    _ plan: PlanSpec, bound: Double, guess: Double?, pricers: [IterationPricer]?,
    best: (value: Double, name: String)?, cut: Double
  ) -> SearchOutcome {
    do {
      if space.objective.needsCapacity {
        let found = try capacity.capacity(
          of: plan, upper: min(bound, space.maxRate), guess: guess, pricers: pricers, cutAtOrBelow: cut)
        if found.cut, let best {
          let failed = found.probes.last { !$0.passed }?.rate ?? cut
          var outcome = SearchOutcome(
            plan: plan, status: .pruned,
            reason:
              "capacity below \(Self.short(failed)) req/s (a probe failed there): cannot beat \(Self.short(best.value)) of \(best.name)",
            bound: bound, probes: found.probes.count)
          outcome.record(found.probes, guess: guess)
          return outcome
        }
        let passing = found.probes.last { $0.passed && $0.rate == found.rate }
        let value = space.objective.value(
          plan: plan, capacity: found.rate, summary: passing?.summary, requiredRate: space.requiredRate)
        var outcome = SearchOutcome(
          plan: plan, status: .evaluated, bound: bound, capacity: found.rate,
          probes: found.probes.count, evaluatedRate: found.rate, summary: passing?.summary,
          objective: value)
        outcome.record(found.probes, guess: guess)
        return outcome
      }
      let rate = space.requiredRate ?? 1
      let probe = try capacity.probe(plan, rate: rate, pricers: pricers)
      let value =
        probe.passed
        ? space.objective.value(plan: plan, capacity: rate, summary: probe.summary, requiredRate: rate) : nil
      var outcome = SearchOutcome(
        plan: plan, status: .evaluated, reason: probe.passed ? "" : "misses the SLO at the required rate",
        bound: bound, capacity: probe.passed ? rate : 0, probes: 1, evaluatedRate: rate,
        summary: probe.summary, objective: value)
      outcome.guess = guess
      outcome.peakRunning = probe.peakRunning
      outcome.peakUsedBlocks = probe.peakUsedBlocks
      outcome.budgetDenials = probe.budgetDenials
      outcome.peakBudgetUse = probe.peakBudgetUse
      return outcome
    } catch {
      return SearchOutcome(plan: plan, status: .infeasible, reason: Self.reason(error), bound: bound)
    }
  }

  func tally(_ outcomes: [SearchOutcome?], total: Int, best: (String, Double)?) -> SearchProgress {
    var p = SearchProgress(
      total: total, done: 0, evaluated: 0, infeasible: 0, pruned: 0, best: best?.0, bestValue: best?.1)
    for o in outcomes {
      guard let o else { continue }
      p.done += 1
      switch o.status {
      case .evaluated: p.evaluated += 1
      case .infeasible: p.infeasible += 1
      case .pruned: p.pruned += 1
      }
    }
    return p
  }

}
