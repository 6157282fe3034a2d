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

  /// Most draft tokens a plan may ask for.
  public static let maxTokens = 8

  public init(method: SpeculativeMethod, tokens: Int, acceptance: [Double], draftModel: ModelSpec? = nil) {
    self.method = method
    self.tokens = tokens
    self.acceptance = acceptance
    self.draftModel = draftModel
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
