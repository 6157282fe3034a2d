import Foundation

/// A mixture-of-experts MLP: routed experts, of which each token uses
/// `expertsPerToken`, optional shared experts every token uses, and leading
/// dense layers (DeepSeek-V3's first three).
public struct MoESpec: Sendable, Equatable {
  /// Routed experts per MoE layer.
  public var experts: Int
  /// Experts each token is routed to (top-k).
  public var expertsPerToken: Int
  /// Inner width of one expert's gated MLP, in elements.
  public var expertIntermediateSize: Int
  /// Shared experts every token passes through (DeepSeek: 1; Mixtral, Qwen3: 0).
  public var sharedExperts: Int
  /// Leading layers whose MLP is dense, of the model's `intermediate_size`.
  public var denseLayers: Int

  public init(
    experts: Int, expertsPerToken: Int, expertIntermediateSize: Int, sharedExperts: Int = 0,
    denseLayers: Int = 0
  ) {
    self.experts = experts
    self.expertsPerToken = expertsPerToken
    self.expertIntermediateSize = expertIntermediateSize
    self.sharedExperts = sharedExperts
    self.denseLayers = denseLayers
  }

  /// Parameters of one expert (gate, up and down matrices).
  public func expertParameters(hidden: Int) -> Double {
    3 * Double(hidden) * Double(expertIntermediateSize)
  }

  /// Expected number of distinct experts hit when `assignments` token-to-expert
  /// assignments fall uniformly on `experts` experts: E·(1 − (1 − 1/E)^A).
  public func expectedActiveExperts(assignments: Double) -> Double {
    let e = Double(experts)
    guard e > 0, assignments > 0 else { return 0 }
    return e * (1 - pow(1 - 1 / e, assignments))
  }
}
