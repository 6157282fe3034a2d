import ServeSim

extension SearchLoader {
  /// Reads a search file's `speculative:` (as in a plan: the method, the
  /// acceptance and the draft model the plans take) and
  /// `speculative_tokens: [0, 1, 2, 3]`, the draft tokens to try (0: off;
  /// by default the `speculative.tokens` given, or off). The acceptance list
  /// is cut, or extended with its last rate, to each k.
  ///
  /// - Returns: the draft model file's path (nil without one).
  static func readSpeculative(_ input: InputLoader, model: ModelSpec, into space: inout SearchSpace)
    throws(ConfigError) -> String?
  {
    let r = input.reader
    var draftPath: String?
    if r.has("speculative") {
      let (speculative, path) = try input.speculative(target: model)
      space.speculative = speculative
      space.speculativeTokens = [speculative.tokens]
      draftPath = path
    }
    guard r.has("speculative_tokens") else { return draftPath }
    let ks = try r.intList("speculative_tokens", min: 0, max: SpeculativeDecoding.maxTokens)
    if space.speculative == nil && ks.contains(where: { $0 > 0 }) {
      throw r.fail(
        "speculative_tokens",
        "tries speculative decoding without a 'speculative:' key giving its method and acceptance")
    }
    space.speculativeTokens = Array(Set(ks)).sorted()
    return draftPath
  }
}
