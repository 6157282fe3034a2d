import Foundation

/// Draws from a `LengthDistribution` with precomputed tables, so a draw does no
/// allocation.
public struct LengthSampler: Sendable {
  private let distribution: LengthDistribution
  private let zipfCDF: [Double]
  private let logMu: Double
  private let logSigma: Double

  public init(_ distribution: LengthDistribution) {
    self.distribution = distribution
    if case .zipf(let s, let lo, let hi) = distribution {
      var cdf = [Double]()
      cdf.reserveCapacity(max(hi - lo + 1, 1))
      var total = 0.0
      for rank in 1...max(hi - lo + 1, 1) {
        total += pow(Double(rank), -s)
        cdf.append(total)
      }
      zipfCDF = cdf.map { $0 / total }
    } else {
      zipfCDF = []
    }
    if case .lognormal(let mean, let stddev, _, _) = distribution, mean > 0 {
      let variance = log(1 + (stddev * stddev) / (mean * mean))
      logSigma = variance.squareRoot()
      logMu = log(mean) - variance / 2
    } else {
      logMu = 0
      logSigma = 0
    }
  }

  /// One draw, in tokens (at least 1).
  public func sample(_ rng: inout SplitMix64) -> Int {
    let value: Int
    switch distribution {
    case .fixed(let v):
      value = v
    case .uniform(let lo, let hi):
      value = lo + Int(rng.next() % UInt64(max(hi - lo + 1, 1)))
    case .normal(let mean, let stddev, let lo, let hi):
      value = clamp((mean + stddev * Self.standardNormal(&rng)).rounded(), lo, hi)
    case .lognormal(_, _, let lo, let hi):
      value = clamp(exp(logMu + logSigma * Self.standardNormal(&rng)).rounded(), lo, hi)
    case .zipf(_, let lo, _):
      let u = rng.nextUnit()
      var left = 0
      var right = zipfCDF.count - 1
      while left < right {
        let mid = (left + right) / 2
        if zipfCDF[mid] < u { left = mid + 1 } else { right = mid }
      }
      value = lo + left
    case .empirical(let values, let lo, let hi):
      let drawn = values.isEmpty ? 1 : Int(values[Int(rng.next() % UInt64(values.count))])
      value = min(max(drawn, lo), hi)
    }
    return max(value, 1)
  }

  private func clamp(_ x: Double, _ lo: Int, _ hi: Int) -> Int {
    if !x.isFinite { return lo }
    return Int(min(max(x, Double(lo)), Double(hi)))
  }

  /// A standard normal draw (Box–Muller, one of the pair).
  static func standardNormal(_ rng: inout SplitMix64) -> Double {
    let u1 = rng.nextOpenUnit()
    let u2 = rng.nextUnit()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}
