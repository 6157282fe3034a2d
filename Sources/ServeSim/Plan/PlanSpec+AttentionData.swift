/// The combinations of attention data parallelism ("DP attention") with
/// expert parallelism that the engines run and servesim models.
extension PlanSpec {
  /// Problems with `parallelism.attention_data` (empty when it is 1 or valid).
  ///
  /// The rules follow SGLang 0.5.2 (`server_args.py`: `tp_size % dp_size == 0`
  /// under `enable_dp_attention`; DP attention exists for MoE models, whose
  /// MoE layers synchronise the ranks) and what servesim models: one pipeline
  /// stage; in a disaggregated plan each pool's layout is checked (SGLang's
  /// disaggregated DP attention routes
  /// by bootstrap room, not modelled: a decode pool's request goes to its
  /// least loaded rank).
  func validateAttentionData() -> [PlanIssue] {
    var layouts = [(key: String, parallelism: Parallelism)]()
    if let d = disaggregation {
      if parallelism.attentionData > 1 {
        return [
          PlanIssue(
            .plan, "parallelism.attention_data",
            "with disaggregation each pool sets its attention ranks; valid: 1 here, and disaggregation.prefill.attention_data or disaggregation.decode.attention_data"
          )
        ]
      }
      layouts = [
        ("disaggregation.prefill", d.prefill.parallelism(plan: parallelism)),
        ("disaggregation.decode", d.decode.parallelism(plan: parallelism)),
      ]
    } else {
      layouts = [("parallelism", parallelism)]
    }
    let ranked = layouts.filter { $0.parallelism.attentionData > 1 }
    guard !ranked.isEmpty else {
      guard attentionDPBalance != nil else { return [] }
      return [
        PlanIssue(
          .plan, "parallelism.attention_balance",
          "context balancing acts between attention ranks; valid: attention_data above 1, or no attention_balance"
        )
      ]
    }
    var issues = [PlanIssue]()
    for (key, par) in ranked {
      func issue(_ message: String) {
        issues.append(PlanIssue(.plan, "\(key).attention_data", message))
      }
      if model.moe == nil {
        issue(
          "attention data parallelism needs a mixture-of-experts model ('\(model.name)' is dense: its replicas need not step together); valid: 1, or more replicas for independent ones"
        )
      }
      if par.tensor % par.attentionData != 0 {
        let valid = divisors(of: par.tensor).filter { $0 > 1 }.map(String.init).joined(separator: ", ")
        issue(
          "attention_data \(par.attentionData) must divide tensor \(par.tensor) (the replica's devices); valid: 1, \(valid)"
        )
      } else if model.heads % par.attentionTensor != 0 {
        issue(
          "each attention rank runs attention over tensor / attention_data = \(par.attentionTensor) devices, which must divide the model's \(model.heads) heads"
        )
      }
      if par.pipeline > 1 {
        issue("attention data parallelism runs with pipeline 1 in servesim; valid: pipeline 1")
      }
    }
    func issue(_ message: String) {
      issues.append(PlanIssue(.plan, "\(ranked[0].key).attention_data", message))
    }
    if speculative?.method == .draft {
      // The lockstep step (LockstepPricer) prices a draft head's passes, not
      // a separate draft model's.
      issue(
        "a separate draft model with attention data parallelism is not modelled (its ranks would need a lockstep of their own); valid: 1 with speculative.method draft, or method mtp or eagle"
      )
    }
    if schedulerRecvInterval > 1 {
      // SGLang 0.5.5 scheduler_recv_skipper.py: `assert not
      // server_args.enable_dp_attention`.
      issues.append(
        PlanIssue(
          .plan, "engine.scheduler_recv_interval",
          "SGLang's receive skipper does not run with attention data parallelism; valid: 1 (or leave it out) with attention_data \(ranked[0].parallelism.attentionData)"
        ))
    }
    if scheduler.policy == .static {
      issue("attention data parallelism needs an iteration-level policy (not static); valid: 1 here")
    }
    return issues
  }
}
