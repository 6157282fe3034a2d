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
      var variant = plan
      variant.parallelism = trial
      let m = MemoryPlan(plan: variant)
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
      var variant = plan
      variant.precision = p
      let m = MemoryPlan(plan: variant)
      if m.fits {
        ideas.append("8-bit weights (precision.weights: fp8) leave \(m.kvTokens) tokens of KV cache")
      }
    }
    let devices = plan.cluster.deviceCount
    for p in [2, 4, 8] where p * plan.parallelism.tensor * plan.parallelism.data <= devices {
      var trial = plan.parallelism
      trial.pipeline = p * plan.parallelism.pipeline
      guard trial.pipeline <= plan.model.costedLayers else { break }
      trial.stageLayers = nil
      var variant = plan
      variant.parallelism = trial
      let m = MemoryPlan(plan: variant)
      if m.fits {
        ideas.append("pipeline \(trial.pipeline) leaves \(m.kvTokens) tokens of KV cache per replica")
        break
      }
    }
    if spare > 0 {
      var smaller = plan.scheduler
      smaller.maxNumSeqs = max(1, smaller.maxNumSeqs / 4)
      smaller.maxNumBatchedTokens = max(512, smaller.maxNumBatchedTokens / 4)
      var variant = plan
      variant.scheduler = smaller
      let m = MemoryPlan(plan: variant)
      if m.fits {
        ideas.append(
          "max_num_seqs \(smaller.maxNumSeqs) and max_num_batched_tokens \(smaller.maxNumBatchedTokens) shrink the activation peak to \((m.activationBytes / 1e7).rounded() / 100) GB and leave \(m.kvTokens) tokens of KV cache"
        )
      }
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
