import ServeSim

/// Launch flags for redundant copies of experts (`Parallelism.redundantExperts`).
extension LaunchCommand {
  /// The redundant experts the exported server runs: the plan's where its
  /// experts are spread over ranks, else none.
  static func redundantExperts(_ plan: PlanSpec) -> Int {
    plan.model.moe != nil ? plan.parallelism.expertCopies : 0
  }

  /// SGLang: `--ep-num-redundant-experts` (0.4.9 and 0.5.5 `server_args.py`).
  static func sglangRedundantExperts(_ plan: PlanSpec) -> [String] {
    let r = redundantExperts(plan)
    return r > 0 ? ["--ep-num-redundant-experts \(r)"] : []
  }

  /// vLLM: the copies come with its expert-parallel load balancer
  /// (`--enable-eplb`): 0.11.0 takes `--num-redundant-experts`, 0.14.0 only
  /// `--eplb-config` with `num_redundant_experts` (`EPLBConfig`,
  /// vllm/config/parallel.py); 0.8.5 and 0.6.6 have no load balancer.
  static func vllmRedundantExperts(_ plan: PlanSpec, _ version: EngineVersion, _ notes: inout [String])
    -> [String]
  {
    let r = redundantExperts(plan)
    guard r > 0 else { return [] }
    if version < EngineVersion(0, 11) {
      notes.append(
        "vLLM \(version) has no expert-parallel load balancer: it cannot hold the plan's \(r) redundant experts"
      )
      return []
    }
    if version < EngineVersion(0, 14) { return ["--enable-eplb --num-redundant-experts \(r)"] }
    return ["--enable-eplb --eplb-config '{\"num_redundant_experts\":\(r)}'"]
  }

  /// TensorRT-LLM 1.0's PyTorch backend: the load balancer's slots, experts
  /// plus copies, in the LLM API options (`moe_config.load_balancer.
  /// num_slots`, as its wide-EP examples set them); 0.19's engine flow has
  /// none.
  static func trtllmRedundantExperts(_ plan: PlanSpec, _ version: EngineVersion, _ notes: inout [String])
    -> [String]
  {
    let r = redundantExperts(plan)
    guard r > 0, let moe = plan.model.moe else { return [] }
    guard version >= EngineVersion(1, 0) else {
      notes.append(
        "TensorRT-LLM \(version)'s engine flow has no expert load balancer: the plan's \(r) redundant experts are not exported"
      )
      return []
    }
    return ["moe_config:", "  load_balancer:", "    num_slots: \(moe.experts + r)"]
  }
}
