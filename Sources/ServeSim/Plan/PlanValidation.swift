extension PlanSpec {
  /// Checks the plan for impossible combinations that the file decoders cannot
  /// see one file at a time.
  ///
  /// - Returns: every problem found (empty when the plan is valid).
  public func validate() -> [PlanIssue] {
    var issues = [PlanIssue]()
    let par = parallelism
    let devices = cluster.deviceCount
    if par.tensor * par.pipeline > devices {
      issues.append(
        PlanIssue(
          .plan, "parallelism.tensor",
          "tensor \(par.tensor) x pipeline \(par.pipeline) needs \(par.tensor * par.pipeline) devices but cluster '\(cluster.name)' has \(devices); valid: tensor x pipeline <= \(devices)"
        ))
    } else if par.devices > devices {
      issues.append(
        PlanIssue(
          .plan, "parallelism.data",
          "data \(par.data) x tensor \(par.tensor) x pipeline \(par.pipeline) needs \(par.devices) devices but cluster '\(cluster.name)' has \(devices); valid: data <= \(devices / max(par.devicesPerReplica, 1))"
        ))
    }
    // Under attention data parallelism the heads split over a rank's
    // devices (`validateAttentionData`): SGLang's wide-EP recipes run 24 or
    // 48 attention ranks of one device each.
    let attentionGroup = max(par.attentionTensor, 1)
    if par.attentionData <= 1 && model.heads % par.tensor != 0 {
      issues.append(
        PlanIssue(
          .plan, "parallelism.tensor",
          "model '\(model.name)' has \(model.heads) attention heads, not divisible by tensor \(par.tensor); valid: \(divisors(of: model.heads).filter { $0 <= devices }.map(String.init).joined(separator: ", "))"
        ))
    } else if model.kvHeads % attentionGroup != 0 && attentionGroup % model.kvHeads != 0 {
      issues.append(
        PlanIssue(
          .plan, "parallelism.tensor",
          "model '\(model.name)' has \(model.kvHeads) KV heads; tensor \(attentionGroup)\(par.attentionData > 1 ? " (a rank's devices)" : "") must divide them or be a multiple of them"
        ))
    }
    if par.pipeline > model.costedLayers {
      issues.append(
        PlanIssue(
          .plan, "parallelism.pipeline",
          "pipeline \(par.pipeline) exceeds the model's \(model.costedLayers) layers"))
    }
    if let split = par.stageLayers {
      if split.count != par.pipeline {
        issues.append(
          PlanIssue(
            .plan, "parallelism.stage_layers",
            "gives \(split.count) stages but pipeline is \(par.pipeline); valid: a list of \(par.pipeline) layer counts"
          ))
      } else if split.reduce(0, +) != model.costedLayers || split.contains(where: { $0 < 1 }) {
        issues.append(
          PlanIssue(
            .plan, "parallelism.stage_layers",
            "layer counts must be 1 or more and add up to the model's \(model.costedLayers) layers (they add up to \(split.reduce(0, +)))"
          ))
      }
    }
    issues += expertIssues(par.expert, tensor: par.tensor, key: "parallelism.expert")
    issues += redundantExpertIssues()
    // An fp8 KV cache is a storage format on GPUs (vLLM dequantises in the
    // attention kernel, also on A100); Ascend's MindIE offers int8 instead.
    if precision.kvCache == .fp8 && cluster.device.kind == .npu {
      issues.append(
        PlanIssue(
          .plan, "precision.kv_cache",
          "device '\(cluster.device.name)' has no fp8 support; valid: bf16, fp16, int8"))
    }
    issues += validateAttentionData()
    issues += validateGraphs()
    issues += precision.validate()
    issues += platformIssues()
    issues += scheduler.validate()
    if let d = disaggregation { issues += validate(d) }
    if scheduler.prefixCaching, let hashes = workload.trace?.blockHashes,
      hashes.blockTokens % scheduler.blockSize != 0
    {
      issues.append(
        PlanIssue(
          .plan, "scheduler.block_size",
          "the trace hashes prompt blocks of \(hashes.blockTokens) tokens, which \(scheduler.blockSize)-token KV blocks do not divide; valid: a divisor of \(hashes.blockTokens) (16 or 32 for Mooncake traces)"
        ))
    }
    if scheduler.prefixCaching && !prefixCachingModelled {
      issues.append(
        PlanIssue(
          .plan, "scheduler.prefix_caching",
          "prefix caching is modelled for every policy but static, without disaggregation; valid: false here"
        ))
    }
    if scheduler.kvOffload != nil && !scheduler.prefixCaching {
      issues.append(
        PlanIssue(
          .plan, "scheduler.kv_offload",
          "the host KV tier holds prefix-cache blocks, and prefix caching is off; valid: prefix_caching: true, or no kv_offload"
        ))
    }
    return issues
  }

  /// Whether prefix caching is modelled for this plan: iteration-level
  /// policies without disaggregated pools.
  public var prefixCachingModelled: Bool { scheduler.policy != .static && disaggregation == nil }

  /// Whether requests can share cached prompt blocks: prefix caching on and a
  /// workload that says which prompts share prefixes (groups or block hashes).
  public var sharesPrefixBlocks: Bool {
    scheduler.prefixCaching && (workload.sharedPrefix != nil || workload.trace?.blockHashes != nil)
  }

  /// Problems with an expert degree `expert` over a replica of `tensor`
  /// devices, reported under `key` (none when it is 1): it must divide the
  /// replica and the model's expert slots (its experts plus
  /// `parallelism.redundant_experts`, as SGLang 0.5 asserts that `ep_size`
  /// divides the physical experts, srt/eplb/expert_location.py), and a
  /// dense model has none.
  func expertIssues(_ expert: Int, tensor: Int, key: String) -> [PlanIssue] {
    guard expert > 1 else { return [] }
    guard let moe = model.moe else {
      return [PlanIssue(.plan, key, "model '\(model.name)' is dense (no mixture of experts); valid: 1")]
    }
    let redundant = parallelism.redundantExperts
    let slots = moe.experts + redundant
    guard tensor % expert != 0 || slots % expert != 0 else { return [] }
    let valid = divisors(of: tensor).filter { slots % $0 == 0 }.map(String.init).joined(separator: ", ")
    if tensor % expert == 0 {
      // The degree fits the replica: name the copies that would let it
      // divide the slots too.
      let more = (expert - moe.experts % expert) % expert
      let held =
        redundant == 0
        ? "the \(moe.experts) experts"
        : "the \(slots) expert slots (\(moe.experts) experts and \(redundant) redundant)"
      return [
        PlanIssue(
          .plan, key,
          "expert \(expert) must divide \(held); valid: \(valid), or parallelism.redundant_experts \(more), \(more + expert), ... (copies that fill the slots to a multiple of \(expert))"
        )
      ]
    }
    return [
      PlanIssue(
        .plan, key,
        "expert \(expert) must divide both tensor (\(tensor)) and the \(slots) expert slots; valid: \(valid)"
      )
    ]
  }

  /// Problems with `parallelism.redundant_experts`: copies of experts need
  /// a mixture-of-experts model and an expert-parallel group (the plan's
  /// expert degree, or a disaggregated pool's) to hold them.
  func redundantExpertIssues() -> [PlanIssue] {
    let redundant = parallelism.redundantExperts
    guard redundant > 0 else { return [] }
    let key = "parallelism.redundant_experts"
    guard model.moe != nil else {
      return [PlanIssue(.plan, key, "model '\(model.name)' is dense (no experts to copy); valid: 0")]
    }
    var degrees = [parallelism.expert]
    if let d = disaggregation {
      degrees = [
        d.prefill.parallelism(plan: parallelism).expert, d.decode.parallelism(plan: parallelism).expert,
      ]
    }
    guard degrees.allSatisfy({ $0 <= 1 }) else { return [] }
    return [
      PlanIssue(
        .plan, key,
        "\(redundant) redundant experts need expert parallelism to spread over; valid: 0, or parallelism.expert (or a pool's expert) above 1"
      )
    ]
  }

  /// Checks the pools of a disaggregated plan.
  func validate(_ d: Disaggregation) -> [PlanIssue] {
    var issues = [PlanIssue]()
    for (name, pool) in [("prefill", d.prefill), ("decode", d.decode)] {
      // Under attention data parallelism the heads split over a rank's
      // devices (`validateAttentionData`).
      if pool.attentionData <= 1 && model.heads % pool.tensor != 0 {
        issues.append(
          PlanIssue(
            .plan, "disaggregation.\(name).tensor",
            "model '\(model.name)' has \(model.heads) attention heads, not divisible by tensor \(pool.tensor)"
          ))
      }
      if let expert = pool.expert {
        issues += expertIssues(expert, tensor: pool.tensor, key: "disaggregation.\(name).expert")
      }
      if pool.tensor > pool.cluster.deviceCount {
        issues.append(
          PlanIssue(
            .plan, "disaggregation.\(name).tensor",
            "tensor \(pool.tensor) exceeds the \(pool.cluster.deviceCount) devices of cluster '\(pool.cluster.name)'"
          ))
      }
    }
    if d.prefill.cluster == d.decode.cluster
      && d.prefill.devices + d.decode.devices > d.prefill.cluster.deviceCount
    {
      issues.append(
        PlanIssue(
          .plan, "disaggregation",
          "the pools need \(d.prefill.devices) + \(d.decode.devices) devices but cluster '\(d.prefill.cluster.name)' has \(d.prefill.cluster.deviceCount)"
        ))
    }
    if parallelism.pipeline > 1 || parallelism.data > 1 {
      issues.append(
        PlanIssue(
          .plan, "parallelism",
          "with disaggregation the pools set the replicas and tensor degrees; keep data and pipeline at 1"))
    }
    if scheduler.policy == .static {
      issues.append(
        PlanIssue(
          .plan, "scheduler.policy",
          "static batching cannot hand requests to a decode pool; valid: vllm, sarathi, orca"))
    }
    return issues
  }

  /// Non-fatal notes about the plan (fallbacks the engine would make).
  public func warnings() -> [String] {
    var notes = [String]()
    let math = cluster.device.matmulMath(
      weights: precision.weights, activations: precision.activations)
    if precision.activations == .fp8 && math.dtype != .fp8 {
      notes.append(
        "device '\(cluster.device.name)' has no fp8 tensor math: matrix products fall back to \(math.dtype.rawValue) (weights still read as \(precision.weights.rawValue))"
      )
    }
    if precision.activations == .int8 && math.dtype != .int8 {
      notes.append(
        "device '\(cluster.device.name)' has no int8 math: matrix products run in \(math.dtype.rawValue)"
      )
    }
    return notes
  }
}

extension Precision {
  /// The formats no plan can use, whatever its device: int4 activations and
  /// an int4 KV cache (int4 is a weight-only format here).
  ///
  /// - Returns: the problems, at `precision.activations` and `precision.kv_cache`.
  public func validate() -> [PlanIssue] {
    var issues = [PlanIssue]()
    // GGUF block types are weight formats too (llama.cpp's activations are
    // fp32 on the CPU; its KV-cache types are not modelled here).
    if activations == .int4 || activations.isBlockQuantised {
      issues.append(
        PlanIssue(
          .plan, "precision.activations",
          "\(activations.rawValue) activations are not supported; valid: fp32, bf16, fp16, fp8, int8"))
    }
    if kvCache == .int4 || kvCache.isBlockQuantised {
      issues.append(
        PlanIssue(
          .plan, "precision.kv_cache",
          "\(kvCache.rawValue) KV cache is not supported; valid: fp32, bf16, fp16, fp8, int8"))
    }
    return issues
  }
}

extension SchedulerConfig {
  /// The settings no plan can use: swap preemption is not modelled.
  ///
  /// - Returns: the problems, at `scheduler.*` keys.
  public func validate() -> [PlanIssue] {
    guard preemption == .swap else { return [] }
    return [
      PlanIssue(
        .plan, "scheduler.preemption",
        "swap preemption is not modelled (vLLM's V1 engine removed it); valid: recompute")
    ]
  }
}

func divisors(of n: Int) -> [Int] {
  guard n > 0 else { return [] }
  return (1...n).filter { n % $0 == 0 }
}
