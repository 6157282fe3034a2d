import Foundation

/// The load of the busiest expert-parallel rank.
extension CostModel {
  /// E[max of `n` standard normals] = ∫ x · n φ(x) Φ(x)^(n−1) dx, by the
  /// midpoint rule over [−9, 9] in steps of 1/256 (0 for n ≤ 1; 2 ranks
  /// 0.564, 4 ranks 1.029, 8 ranks 1.424, 16 ranks 1.766).
  static func expectedMaxOfNormals(_ n: Int) -> Double {
    guard n > 1 else { return 0 }
    let step = 1.0 / 256
    let k = Double(n)
    var sum = 0.0
    var x = -9.0 + step / 2
    while x < 9 {
      let density = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
      let below = 0.5 * erfc(-x / 2.0.squareRoot())
      sum += x * k * density * pow(below, k - 1) * step
      x += step
    }
    return sum
  }

  /// The busiest expert-parallel rank's routed rows and active experts for
  /// `assignments` token-to-expert assignments (`MoESpec.busiestRank`), its
  /// rows scaled by the plan's extra `expertImbalance`.
  func busiestExpertRank(_ moe: MoESpec, assignments: Double) -> (rows: Double, activeExperts: Double) {
    let busiest = moe.busiestRank(
      assignments: assignments, ranks: expertParallel, z: expertRankZ, redundant: redundantExperts)
    return (busiest.rows * (1 + expertImbalance), busiest.activeExperts)
  }
}
