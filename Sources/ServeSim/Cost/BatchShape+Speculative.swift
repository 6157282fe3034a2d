extension BatchShape {
  /// Adds a sequence that verifies its last token and `drafts` draft tokens
  /// in one pass, its context (including them) `context` tokens: a decode
  /// whose query has 1 + drafts rows, like a tiny prefill chunk over the
  /// context; the LM head samples every verified position.
  public mutating func addVerify(drafts: Int, context: Int) {
    let c = Double(context)
    let q = Double(drafts)
    decodeSequences += 1
    decodeContextTokens += c - q
    sampledSequences += 1 + drafts
    speculativeTokens += drafts
    draftSteps = max(draftSteps, drafts)
    // The drafts' rows: q·(c − q) pairs with the context before them and
    // q·(q + 1)/2 among themselves.
    speculativeAttentionPairs += q * (c - q) + q * (q + 1) / 2
  }
}
