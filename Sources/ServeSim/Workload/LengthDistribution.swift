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
