import ServeSim

/// Launch flags for attention data parallelism with expert parallelism.
extension LaunchCommand {
  /// vLLM: the attention ranks are vLLM's data-parallel ranks, each
  /// tensor-parallel over `attentionTensor` devices, and
  /// `--enable-expert-parallel` spreads the experts over all of them
  /// (vLLM 0.8.5 and 0.11.0 `arg_utils.py`: `--data-parallel-size`,
  /// `--enable-expert-parallel`; 0.6.6 has neither).
  static func vllmAttentionData(_ plan: inout PlanSpec, _ version: EngineVersion, _ notes: inout [String]) {
    let p = plan.parallelism
    guard p.attentionData > 1 else { return }
    guard version >= EngineVersion(0, 8) else {
      notes.append(
        "vLLM \(version) has no data-parallel attention: its ranks would run as one tensor-parallel group")
      return
    }
    if p.data > 1 {
      notes.append(
        "run \(p.data) copies (one per \(p.devicesPerReplica) devices) behind a load balancer: the data-parallel flag serves the attention ranks"
      )
    }
    plan.parallelism.tensor = p.attentionTensor
    plan.parallelism.data = p.attentionData
    if p.expert > 1 && p.expert != p.tensor {
      notes.append(
        "vLLM's expert parallelism spans every device of the replica (\(p.tensor)), not \(p.expert)")
    }
  }

  /// SGLang: `--dp-size` is the attention ranks with `--enable-dp-attention`,
  /// `--tp-size` the replica's devices; expert parallelism all-to-all through
  /// DeepEP (0.5: `--moe-a2a-backend deepep`; 0.4.9: `--enable-deepep-moe`;
  /// both `server_args.py`, where DeepEP sets ep_size to tp_size).
  static func sglangAttentionData(_ plan: inout PlanSpec, _ version: EngineVersion, _ notes: inout [String])
    -> [String]
  {
    let p = plan.parallelism
    guard p.attentionData > 1 else { return [] }
    if p.data > 1 {
      notes.append(
        "run \(p.data) copies (one per \(p.devicesPerReplica) devices) behind a load balancer: --dp-size serves the attention ranks"
      )
    }
    plan.parallelism.data = p.attentionData
    var flags = ["--enable-dp-attention"]
    if p.expert > 1 {
      flags.append(version < EngineVersion(0, 5) ? "--enable-deepep-moe" : "--moe-a2a-backend deepep")
      if p.expert != p.tensor {
        notes.append(
          "SGLang's DeepEP sets the expert-parallel size to --tp-size (\(p.tensor)), not \(p.expert)")
      }
    }
    return flags
  }

  /// TensorRT-LLM (PyTorch backend, 1.0): `enable_attention_dp: true` in the
  /// LLM API options makes each of the `--tp_size` ranks an attention rank;
  /// `--ep_size` spreads the experts (TensorRT-LLM 1.0 `TorchLlmArgs`;
  /// the DeepSeek-R1 recipes of its docs run attention DP with TP = EP = 8).
  static func trtllmAttentionData(_ plan: PlanSpec, _ notes: inout [String]) -> [String] {
    let p = plan.parallelism
    guard p.attentionData > 1 else { return [] }
    if p.attentionData != p.tensor {
      notes.append(
        "TensorRT-LLM's attention DP makes every one of the \(p.tensor) ranks an attention rank (the plan has \(p.attentionData))"
      )
    }
    var lines = ["enable_attention_dp: true"]
    if let b = plan.attentionDPBalance {
      // TensorRT-LLM 1.0 AttentionDpConfig (llmapi/llm_args.py).
      lines += [
        "attention_dp_config:", "  enable_balance: true", "  timeout_iters: \(b.timeoutIterations)",
        "  batching_wait_iters: \(b.batchingWaitIterations)",
      ]
    }
    return lines
  }
}
