import Foundation

/// A distribution of token counts (prompt or output lengths).
///
/// Every distribution is clamped to `[min, max]` after sampling, and results are
/// at least one token.
public enum LengthDistribution: Sendable, Equatable {
  case fixed(Int)
  case uniform(min: Int, max: Int)
  /// A normal distribution of the given mean and standard deviation, in tokens.
  case normal(mean: Double, stddev: Double, min: Int, max: Int)
  /// A lognormal distribution whose samples have the given mean and standard
  /// deviation, in tokens (not the parameters of the underlying normal).
  case lognormal(mean: Double, stddev: Double, min: Int, max: Int)
  /// A Zipf distribution over `min...max` with exponent `s`: P(k) ∝ (k - min + 1)^-s.
  case zipf(s: Double, min: Int, max: Int)
  /// Uniform draws from observed values (for example a trace's column).
  case empirical(values: [Int32], min: Int, max: Int)

  /// The mean of the distribution before clamping, in tokens (for sizing and reports).
  public var nominalMean: Double {
    switch self {
    case .fixed(let v): Double(v)
    case .uniform(let lo, let hi): Double(lo + hi) / 2
    case .normal(let m, _, _, _), .lognormal(let m, _, _, _): m
    case .zipf(_, let lo, let hi): Double(lo + hi) / 2
    case .empirical(let values, _, _):
      values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }
  }

  /// The largest value the distribution can give, in tokens.
  public var upperBound: Int {
    switch self {
    case .fixed(let v): v
    case .uniform(_, let hi), .normal(_, _, _, let hi), .lognormal(_, _, _, let hi),
      .zipf(_, _, let hi):
      hi
    case .empirical(let values, _, let hi): Swift.min(hi, Int(values.max() ?? 1))
    }
  }
}

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
