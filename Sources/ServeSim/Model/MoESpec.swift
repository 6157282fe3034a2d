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
    return e * Self.hitChance(slots: e, assignments: assignments)
  }

  /// The chance that one of `slots` equally likely slots is hit by at least
  /// one of `assignments` uniform assignments: 1 − (1 − 1/S)^A.
  static func hitChance(slots: Double, assignments: Double) -> Double {
    1 - pow(1 - 1 / slots, assignments)
  }

  /// The busiest of `ranks` expert-parallel ranks (each holding experts / ranks
  /// experts) when `assignments` token-to-expert assignments fall uniformly
  /// on the experts: its expected routed rows and distinct active experts,
  /// each the mean plus `z` standard deviations of the binomial count a rank
  /// gets (rows: Binomial(A, 1/ranks); active experts: Binomial(E/ranks, q)
  /// with q = 1 − (1 − 1/E)^A the chance an expert is hit), capped at what
  /// one rank can hold. `z` is the expected largest of `ranks` standard
  /// normal draws (`CostModel.expertRankZ`). A decode step of 4 DeepSeek-V3
  /// tokens over 8 ranks: 32 assignments, 4 rows and 3.8 experts a rank on
  /// average, the busiest about 6.6 rows and 6.4 experts; a prefill of 8,000
  /// tokens puts the busiest within 2% of the mean.
  ///
  /// With `redundant` copies of experts (EPLB: `Parallelism.redundantExperts`)
  /// the ranks hold (experts + redundant) / ranks slots each, and an
  /// expert's tokens split over its copies (SGLang 0.5's static dispatch
  /// picks a copy per token, `ep_dispatch_algorithm`), so assignments fall
  /// uniformly on the slots: a rank's active slots follow Binomial(slots /
  /// ranks, 1 − (1 − 1/slots)^A); its rows are as without copies.
  public func busiestRank(assignments: Double, ranks: Int, z: Double, redundant: Int = 0) -> (
    rows: Double, activeExperts: Double
  ) {
    let n = Double(max(ranks, 1))
    guard ranks > 1, assignments > 0, experts > 0 else {
      return (assignments / n, expectedActiveExperts(assignments: assignments) / n)
    }
    let p = 1 / n
    let rows = min(assignments / n + z * (assignments * p * (1 - p)).squareRoot(), assignments)
    let slots = Double(experts + max(redundant, 0))
    let held = slots / n
    let q = Self.hitChance(slots: slots, assignments: assignments)
    let active = min(held * q + z * (held * q * (1 - q)).squareRoot(), held)
    return (rows, active)
  }
}
