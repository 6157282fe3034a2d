import ServeSim

extension InputLoader {
  static let speculativeKeys = ["method", "tokens", "acceptance", "acceptance_spread", "draft_model"]

  /// Reads `speculative: {method: mtp | eagle | draft, tokens: k,
  /// acceptance: [p1, ..., pk] or p, acceptance_spread: s, draft_model:
  /// FILE}` of the plan file: k from 1 to 8; each acceptance in (0, 1], one
  /// per draft token (a single rate stands for every position); the spread
  /// of the acceptance between requests in logits, from 0 (the default:
  /// every request has the rates) to 4 (`SpeculativeDecoding.acceptanceSpread`); `method: mtp` only for a model with
  /// MTP layers (`mtp_layers`, config.json `num_nextn_predict_layers`);
  /// `draft_model` (a model file or config.json, `method: draft` only) of the
  /// target's vocabulary.
  ///
  /// - Returns: the speculation and the draft model file's path (nil
  ///   without one).
  func speculative(target model: ModelSpec) throws(ConfigError) -> (
    spec: SpeculativeDecoding, draftPath: String?
  ) {
    let s = try reader.child("speculative", allowed: Self.speculativeKeys)
    let method = try s.choice("method", SpeculativeMethod.self)
    let k = try s.int("tokens", min: 1, max: SpeculativeDecoding.maxTokens)
    var acceptance = [Double]()
    for text in try s.stringList("acceptance") {
      guard let p = Double(text), p > 0, p <= 1 else {
        throw s.fail("acceptance", "'\(text)' is not a probability in (0, 1]")
      }
      acceptance.append(p)
    }
    if acceptance.count == 1 && k > 1 {
      acceptance = [Double](repeating: acceptance[0], count: k)
    } else if acceptance.count != k {
      throw s.fail(
        "acceptance",
        "has \(acceptance.count) rates for \(k) draft tokens: give one per draft token (tokens: \(k)) or a single rate"
      )
    }
    let spread = try s.double(
      "acceptance_spread", default: 0, min: 0, max: SpeculativeDecoding.maxAcceptanceSpread)
    if method == .mtp && model.mtpLayers == 0 {
      throw s.fail(
        "method",
        "mtp needs a model with multi-token-prediction layers ('\(model.name)' has none: set mtp_layers in the model file, or config.json num_nextn_predict_layers); use eagle or draft"
      )
    }
    var draft: ModelSpec?
    var draftPath: String?
    if method == .draft {
      let draftFile = try file.open(s, "draft_model")
      draftPath = InputLoader.absolute(draftFile.path)
      let spec =
        HFConfig.isConfig(path: draftFile.path)
        ? try HFConfig.model(draftFile) : try SpecDecoders.model(draftFile)
      if spec.vocabSize != model.vocabSize {
        throw s.fail(
          "draft_model",
          "'\(spec.name)' has a vocabulary of \(spec.vocabSize) tokens, the target '\(model.name)' \(model.vocabSize): a draft model must share the target's vocabulary"
        )
      }
      draft = spec
    } else if s.has("draft_model") {
      throw s.fail("draft_model", "applies to method: draft only")
    }
    return (
      SpeculativeDecoding(
        method: method, tokens: k, acceptance: acceptance, draftModel: draft, acceptanceSpread: spread),
      draftPath
    )
  }
}
