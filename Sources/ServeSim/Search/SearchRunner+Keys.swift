/// Keys, reasons and small figures of a search: which plans share a pricer
/// or a neighbourhood, why a plan failed, the probe sample, the Pareto front.
extension SearchRunner {
  static func reason(_ error: SimulationError) -> String {
    switch error {
    case .doesNotFit(let report):
      let m = report.memory
      return
        "does not fit: weights \(short(m.weightBytes / 1e9)) GB + activations \(short(m.activationBytes / 1e9)) GB + runtime \(short(m.runtimeBytes / 1e9)) GB of \(short(m.usableBytes / 1e9)) GB usable per device"
    case .invalidPlan(let issues): return issues.map(\.message).joined(separator: "; ")
    case .invariantViolated(let what): return what
    }
  }

  static func short(_ x: Double) -> String {
    guard x.isFinite else { return "inf" }
    let rounded = (x * 1000).rounded() / 1000
    return String(rounded)
  }

  /// Plans whose iterations cost the same share one warmed pricer.
  static func pricerKey(_ plan: PlanSpec) -> String {
    costKey(plan) + "|\(plan.scheduler.maxNumBatchedTokens + plan.scheduler.maxNumSeqs)"
  }

  /// Plans whose pricers memoise the same prices (the same cost model and
  /// engine release; scheduler limits aside) share one memo, and those whose
  /// engine hides its scheduling behind the device (`overlapsScheduling`,
  /// which vLLM 0.14 turns off for more than one pipeline stage) price it
  /// alike: a pricer carries its profile.
  static func costKey(_ plan: PlanSpec) -> String {
    let p = plan.parallelism
    let q = plan.precision
    let overlap = EngineProfile.of(plan: plan).overlapsScheduling ? "|overlap" : ""
    return
      "\(plan.cluster.name)|\(plan.release)|\(p.tensor)|\(p.expert)|\(p.attentionData)|\(q.weights.rawValue)|\(q.activations.rawValue)|\(q.kvCache.rawValue)"
      + (plan.llamacpp.map { "|ub\($0.ubatchSize)|t\($0.threads ?? 0)" } ?? "") + overlap
  }

  /// Plans whose capacity per replica is alike (warm start of the bisection).
  public static func neighbourKey(_ plan: PlanSpec) -> String {
    let p = plan.parallelism
    let q = plan.precision
    return
      "\(plan.cluster.name)|\(plan.release)|\(p.tensor)|\(p.pipeline)|\(p.expert)|\(p.attentionData)|\(q.weights.rawValue)|\(q.activations.rawValue)|\(plan.scheduler.policy.rawValue)"
  }

  /// Mean tokens computed per servable request of the probe workload, and the
  /// longest prompt.
  struct Sample {
    var mean: Double
    var maxInput: Int
    var contextReads: Double
    var prefillPairs: Double
    /// The longest request, prompt plus output, servable or not, in tokens.
    var maxTotal = 0
  }

  static func sampleTokens(_ plan: PlanSpec, requests: Int) -> Sample {
    var workload = plan.workload
    workload.arrival = .poisson(rate: 1)
    workload.requests = requests
    workload.durationS = nil
    var generator = RequestGenerator(workload: workload, seed: plan.seed)
    var total = 0.0
    var reads = 0.0
    var pairs = 0.0
    var count = 0
    var longest = 1
    var largest = 0
    while let r = generator.next() {
      largest = max(largest, r.input + r.output)
      guard r.input + r.output <= plan.model.maxContext else { continue }
      let input = Double(r.input)
      let steps = Double(r.output - 1)
      total += input + steps
      reads += steps * input + steps * (steps + 1) / 2
      pairs += input * (input + 1) / 2
      count += 1
      longest = max(longest, r.input)
    }
    let n = Double(max(count, 1))
    return Sample(
      mean: count > 0 ? total / n : 1, maxInput: longest, contextReads: reads / n, prefillPairs: pairs / n,
      maxTotal: largest)
  }

  /// Pareto front: capacity per device (higher better) against the SLO
  /// percentile of TPOT at capacity (lower better).
  static func pareto(_ outcomes: [SearchOutcome]) -> [Int] {
    let points = outcomes.indices.compactMap { i -> (Int, Double, Double)? in
      let o = outcomes[i]
      guard o.status == .evaluated, o.capacity > 0, let s = o.summary else { return nil }
      return (i, s.tpot.at(o.plan.slo.percentile), o.capacity / Double(o.plan.devices))
    }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : ($0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0) }
    var front = [Int]()
    var bestY = -Double.infinity
    for (i, _, y) in points where y > bestY {
      front.append(i)
      bestY = y
    }
    return front
  }
}
