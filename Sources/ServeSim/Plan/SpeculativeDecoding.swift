/// Speculative decoding (the plan's `speculative:`): each decode step of a
/// request proposes `tokens` draft tokens and verifies them, with the token
/// before them, in one forward pass of the target over `tokens + 1`
/// positions; a prefix of the drafts is accepted, and the request gets the
/// accepted drafts and one token sampled by the target (Leviathan et al.
/// 2023, "Fast inference from transformers via speculative decoding").
public struct SpeculativeDecoding: Sendable, Equatable {
  public var method: SpeculativeMethod
  /// Draft tokens proposed per step, k (1...8).
  public var tokens: Int
  /// Acceptance probability of draft i (1-based) given that drafts 1...i−1
  /// were accepted, for i = 1...k; each in (0, 1].
  public var acceptance: [Double]
  /// The draft model (`method: draft` only).
  public var draftModel: ModelSpec?
  /// How much the acceptance differs from request to request: the standard
  /// deviation, in logits, of a request's rates around `acceptance`. Each
  /// request r draws z_r ~ N(0, 1) once and accepts draft i with
  /// probability σ(logit p_i + spread · z_r) (σ the logistic function) at
  /// every step; 0 (the default): every request has the plan's rates.
  ///
  /// A draft head's acceptance depends on the text a request generates, so
  /// it varies between requests far more than a step-to-step draw does:
  /// over a 1,000-token output the steps' draws average out, and a request's
  /// time per output token follows its own rate. Published MTP runs show it:
  /// InferenceMAX's DeepSeek-R1 runs with MTP have a TPOT p99/p50 of
  /// 1.16-1.37 where the same servers without it have 1.01-1.07
  /// (`ValidationSuite.inferenceMaxMTP`).
  public var acceptanceSpread: Double

  /// Largest `acceptanceSpread` a plan may give, in logits.
  public static let maxAcceptanceSpread = 4.0

  /// Most draft tokens a plan may ask for.
  public static let maxTokens = 8

  public init(
    method: SpeculativeMethod, tokens: Int, acceptance: [Double], draftModel: ModelSpec? = nil,
    acceptanceSpread: Double = 0
  ) {
    self.method = method
    self.tokens = tokens
    self.acceptance = acceptance
    self.draftModel = draftModel
    self.acceptanceSpread = acceptanceSpread
  }

  /// The probability that drafts 1...i are all accepted, for i = 1...k
  /// (∏_{j≤i} p_j).
  public var survival: [Double] {
    var product = 1.0
    return acceptance.prefix(tokens).map { p in
      product *= p
      return product
    }
  }

  /// Tokens a request gets per verify step on average, far from the end of
  /// its output: 1 + Σ_i ∏_{j≤i} p_j.
  public var expectedTokensPerStep: Double { 1 + survival.reduce(0, +) }

  /// This plan's speculation with `tokens` drafts: the per-position
  /// acceptance is cut or extended with its last figure.
  public func with(tokens k: Int) -> SpeculativeDecoding {
    var copy = self
    copy.tokens = k
    let last = acceptance.last ?? 1
    copy.acceptance = (0..<k).map { $0 < acceptance.count ? acceptance[$0] : last }
    return copy
  }
}
