/// Why a simulation could not run.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The plan's inputs contradict each other.
  case invalidPlan([PlanIssue])
  /// The model does not fit in the devices' memory.
  case doesNotFit(FitReport)
  /// A simulation invariant broke (checked under `checkInvariants`).
  case invariantViolated(String)

  public var description: String {
    switch self {
    case .invalidPlan(let issues): issues.map(\.description).joined(separator: "\n")
    case .doesNotFit(let report): report.description
    case .invariantViolated(let what): "simulation invariant violated: \(what)"
    }
  }
}

/// Why a plan does not fit, with the figures and what would fit.
public struct FitReport: Sendable, Equatable, CustomStringConvertible {
  public var plan: String
  public var memory: MemoryPlan
  public var suggestions: [String]

  public init(plan: PlanSpec, memory: MemoryPlan) {
    self.plan = plan.name
    self.memory = memory
    var ideas = [String]()
    let spare = memory.usableBytes - memory.activationBytes - memory.runtimeBytes
    let devicesPerNode = plan.cluster.devicesPerNode
    for t in [2, 4, 8, 16, 32, 64] where t > plan.parallelism.tensor && t <= plan.cluster.deviceCount {
      guard plan.model.heads % t == 0 else { continue }
      var trial = plan.parallelism
      trial.tensor = t
      let m = MemoryPlan(
        model: plan.model, device: plan.cluster.device, parallelism: trial,
        precision: plan.precision, scheduler: plan.scheduler)
      if m.fits {
        ideas.append(
          "tensor \(t)\(t > devicesPerNode ? " (spans nodes)" : "") leaves \(m.kvTokens) tokens of KV cache per replica"
        )
        break
      }
    }
    if plan.precision.weights.bytes > 1 {
      var p = plan.precision
      p.weights = .fp8
      let m = MemoryPlan(
        model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
        precision: p, scheduler: plan.scheduler)
      if m.fits {
        ideas.append("8-bit weights (precision.weights: fp8) leave \(m.kvTokens) tokens of KV cache")
      }
    }
    if memory.activationBytes > 0.05 * memory.usableBytes, spare > 0 {
      ideas.append("a smaller scheduler.max_num_batched_tokens or max_num_seqs lowers the activation peak")
    }
    suggestions = ideas
  }

  public var description: String {
    func gb(_ x: Double) -> String {
      let v = (x / 1e7).rounded() / 100
      return "\(v) GB"
    }
    var text =
      "plan '\(plan)' does not fit: each device has \(gb(memory.usableBytes)) usable (\(gb(memory.deviceBytes)) x memory_utilization); weights need \(gb(memory.weightBytes)), activations \(gb(memory.activationBytes)), runtime \(gb(memory.runtimeBytes)), leaving \(gb(memory.usableBytes - memory.weightBytes - memory.activationBytes - memory.runtimeBytes)) for the KV cache (one block needs \(gb(memory.blockBytes)))"
    if !suggestions.isEmpty { text += "; would fit: " + suggestions.joined(separator: "; or ") }
    return text
  }
}
