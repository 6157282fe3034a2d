import ServeSim

extension SearchReports {
  /// The `llama-server` options of a llama.cpp plan as engine keys
  /// (", parallel: 1, ctx_size: 0, ..."), empty for other engines, so that
  /// best.yaml runs the server the search evaluated.
  static func llamaCppKeys(_ plan: PlanSpec) -> String {
    guard let o = plan.llamacpp else { return "" }
    var text = ", parallel: \(o.slots), ctx_size: \(o.ctxSize), batch_size: \(o.batchSize)"
    text += ", ubatch_size: \(o.ubatchSize), kv_unified: \(o.unified)"
    if let threads = o.threads { text += ", threads: \(threads)" }
    return text
  }
}
