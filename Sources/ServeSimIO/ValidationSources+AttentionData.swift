import ServeSim

/// Rows measured with attention data parallelism.
extension ValidationSuite {
  /// The parallelism of a row: with `dp_attention` True, every one of the
  /// `tensor` ranks is an attention rank (TensorRT-LLM 1.0
  /// `enable_attention_dp`, the "DEP" layouts of its perf-overview tables,
  /// and InferenceMAX's TensorRT-LLM recipes), experts over the `ep` column
  /// (other rows keep the replay's plain tensor × pipeline).
  static func attentionData(_ row: Row, tensor: Int, pipeline: Int) -> Parallelism {
    var parallelism = Parallelism(tensor: tensor, pipeline: pipeline)
    if row["dp_attention"] == "True" {
      parallelism.attentionData = tensor
      parallelism.expert = row.int("ep") ?? 1
    }
    return parallelism
  }

  /// The context balancing of InferenceMAX's TensorRT-LLM recipes with
  /// attention data parallelism (`benchmarks/dsr1_*_trt*.sh` write
  /// `attention_dp_config: {enable_balance: true, batching_wait_iters: 0,
  /// timeout_iters: 60}` into the extra LLM API options when DP_ATTENTION is
  /// true; the published scripts, not part of validation/: the CSV keeps
  /// no launch options). trtllm-bench's offline rows (perf-overview) set no
  /// `attention_dp_config`: balancing off, the 1.0 default.
  static let inferenceMaxBalance = AttentionDPBalance(timeoutIterations: 60, batchingWaitIterations: 0)

  /// The parallelism part of an experiment's ID: tpT-ppP, or depT for
  /// attention data parallelism over T ranks (the sources' "DEP" label).
  static func label(_ p: Parallelism) -> String {
    p.attentionData > 1 ? "dep\(p.attentionData)-pp\(p.pipeline)" : "tp\(p.tensor)-pp\(p.pipeline)"
  }
}
