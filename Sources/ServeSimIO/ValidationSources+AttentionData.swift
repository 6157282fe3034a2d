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

  /// The parallelism part of an experiment's ID: tpT-ppP, or depT for
  /// attention data parallelism over T ranks (the sources' "DEP" label).
  static func label(_ p: Parallelism) -> String {
    p.attentionData > 1 ? "dep\(p.attentionData)-pp\(p.pipeline)" : "tp\(p.tensor)-pp\(p.pipeline)"
  }
}
