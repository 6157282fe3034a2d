import ServeSim

extension SearchReports {
  /// The `speculative:` line of a best plan's YAML (with its newline), or
  /// nothing when the plan does not speculate.
  static func speculativeLine(_ plan: PlanSpec, draftModel: String?) -> String {
    guard let s = plan.speculative else { return "" }
    let rates = s.acceptance.map { String($0) }.joined(separator: ", ")
    let draft = s.method == .draft ? ", draft_model: \(draftModel ?? "")" : ""
    let spread = s.acceptanceSpread > 0 ? ", acceptance_spread: \(s.acceptanceSpread)" : ""
    return
      "speculative: {method: \(s.method.rawValue), tokens: \(s.tokens), acceptance: [\(rates)]\(spread)\(draft)}\n"
  }
}
