/// What the optimizer concluded about one plan.
public struct SearchOutcome: Sendable, Equatable {
  public enum Status: String, Sendable, Equatable {
    /// Simulated (capacity searched, or run at the required rate).
    case evaluated
    /// Cannot run: does not fit in memory, or breaks a rule.
    case infeasible
    /// Skipped: its bound shows it cannot beat the best found.
    case pruned
  }

  public var plan: PlanSpec
  public var status: Status
  /// Why infeasible or pruned (empty when evaluated).
  public var reason: String
  /// The analytic capacity bound, in requests per second (0 when infeasible).
  public var bound: Double
  /// Capacity under the SLO, in requests per second (capacity objectives).
  public var capacity: Double
  /// Simulations run for this plan.
  public var probes: Int
  /// The rate the reported metrics were measured at, in requests per second.
  public var evaluatedRate: Double
  /// Metrics at `evaluatedRate` (nil unless evaluated and some rate passed or was run).
  public var summary: Summary?
  /// The objective's value (higher is better for goodput objectives; lower for
  /// the min-* ones); nil when not evaluated or not meeting the requirement.
  public var objective: Double?
  /// Most requests running and most KV blocks in use in one scheduler over all
  /// probes (for the max_num_seqs dominance test).
  public var peakRunning = 0
  public var peakUsedBlocks = 0
  /// Iterations whose token budget turned tokens away, over all probes, and
  /// the most of the budget one iteration used (the max_num_batched_tokens
  /// dominance test).
  public var budgetDenials = 0
  public var peakBudgetUse = 0
  /// The first rate the capacity search tried, from a neighbour's capacity
  /// (nil: from the bound); a merge of shards reuses an outcome only when one
  /// run would have started from the same rate.
  public var guess: Double?

  public init(
    plan: PlanSpec, status: Status, reason: String = "", bound: Double = 0, capacity: Double = 0,
    probes: Int = 0, evaluatedRate: Double = 0, summary: Summary? = nil, objective: Double? = nil
  ) {
    self.plan = plan
    self.status = status
    self.reason = reason
    self.bound = bound
    self.capacity = capacity
    self.probes = probes
    self.evaluatedRate = evaluatedRate
    self.summary = summary
    self.objective = objective
  }
}

extension SearchOutcome {
  /// Keeps what a capacity search's `probes` show for the sibling dominance
  /// test (`SearchRunner.dominatingSibling`), and its first rate `guess`.
  mutating func record(_ probes: [Probe], guess: Double?) {
    self.guess = guess
    peakRunning = probes.map(\.peakRunning).max() ?? 0
    peakUsedBlocks = probes.map(\.peakUsedBlocks).max() ?? 0
    budgetDenials = probes.reduce(0) { $0 + $1.budgetDenials }
    peakBudgetUse = probes.map(\.peakBudgetUse).max() ?? 0
  }
}

extension SearchObjective {
  /// Whether a larger objective value is better.
  public var maximises: Bool {
    switch self {
    case .goodputPerDevice, .goodputPerDollar: true
    case .minDevices, .minCost, .minLatency, .minEnergy: false
    }
  }

  /// The objective of a plan with capacity `capacity` (capacity objectives) or
  /// metrics `summary` at the required rate (the others); nil when the plan does
  /// not meet the requirement.
  public func value(plan: PlanSpec, capacity: Double, summary: Summary?, requiredRate: Double?)
    -> Double?
  {
    let devices = Double(plan.devices)
    let dollars = devices * plan.cluster.device.pricePerHourUSD
    switch self {
    case .goodputPerDevice: return capacity > 0 ? capacity / devices : nil
    case .goodputPerDollar: return capacity > 0 && dollars > 0 ? capacity / dollars : nil
    case .minDevices: return capacity >= (requiredRate ?? 0) && capacity > 0 ? devices : nil
    case .minCost: return capacity >= (requiredRate ?? 0) && capacity > 0 ? dollars : nil
    case .minLatency:
      guard let s = summary, s.completed == s.requests else { return nil }
      return s.e2e.at(plan.slo.percentile)
    case .minEnergy:
      guard let s = summary, s.completed == s.requests else { return nil }
      return s.energyJPerOutputTok
    }
  }

  /// Whether `a` is strictly better than `b`.
  public func better(_ a: Double, than b: Double) -> Bool { maximises ? a > b : a < b }
}
