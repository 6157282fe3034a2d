/// Weighted least squares with up to three parameters, accumulated as normal
/// equations so that a fit over many thousands of points allocates nothing per
/// point, and solved for every subset of the parameters to keep the
/// coefficients non-negative.
public struct LeastSquares: Sendable {
  /// Parameters (1...3).
  public let parameters: Int
  /// XᵀW²X, row-major p × p.
  private var gram: [Double]
  /// XᵀW²y.
  private var rhs: [Double]
  /// yᵀW²y.
  private var yy = 0.0
  /// Points added.
  public private(set) var count = 0

  public init(parameters: Int) {
    self.parameters = min(max(parameters, 1), 3)
    gram = [Double](repeating: 0, count: 9)
    rhs = [Double](repeating: 0, count: 3)
  }

  /// Adds the point y ≈ x₀β₀ + x₁β₁ + x₂β₂ with weight w (its residual is
  /// multiplied by w).
  public mutating func add(_ x0: Double, _ x1: Double = 0, _ x2: Double = 0, y: Double, weight w: Double = 1)
  {
    let w2 = w * w
    let x = (x0, x1, x2)
    func at(_ i: Int) -> Double { i == 0 ? x.0 : (i == 1 ? x.1 : x.2) }
    for r in 0..<parameters {
      let xr = at(r)
      for c in 0..<parameters { gram[r * 3 + c] += w2 * xr * at(c) }
      rhs[r] += w2 * xr * y
    }
    yy += w2 * y * y
    count += 1
  }

  /// Solves for the parameters in `columns` (a bit mask), the others held at 0.
  ///
  /// - Returns: β (length `parameters`) and the weighted sum of squared
  ///   residuals, or nil when singular.
  public func solve(columns mask: Int) -> (beta: [Double], sse: Double)? {
    let cols = (0..<parameters).filter { mask & (1 << $0) != 0 }
    let p = cols.count
    guard p > 0, count >= p else { return nil }
    // Scale to unit diagonal for conditioning.
    var scale = [Double](repeating: 1, count: p)
    for (i, c) in cols.enumerated() {
      let d = gram[c * 3 + c]
      guard d > 0 else { return nil }
      scale[i] = d.squareRoot()
    }
    var a = [Double](repeating: 0, count: p * (p + 1))
    for (i, r) in cols.enumerated() {
      for (j, c) in cols.enumerated() { a[i * (p + 1) + j] = gram[r * 3 + c] / (scale[i] * scale[j]) }
      a[i * (p + 1) + p] = rhs[r] / scale[i]
    }
    for col in 0..<p {
      var pivot = col
      for r in col..<p where abs(a[r * (p + 1) + col]) > abs(a[pivot * (p + 1) + col]) { pivot = r }
      guard abs(a[pivot * (p + 1) + col]) > 1e-12 else { return nil }
      if pivot != col {
        for c in 0...p { a.swapAt(col * (p + 1) + c, pivot * (p + 1) + c) }
      }
      for r in 0..<p where r != col {
        let f = a[r * (p + 1) + col] / a[col * (p + 1) + col]
        if f == 0 { continue }
        for c in col...p { a[r * (p + 1) + c] -= f * a[col * (p + 1) + c] }
      }
    }
    var beta = [Double](repeating: 0, count: parameters)
    for (i, c) in cols.enumerated() {
      beta[c] = a[i * (p + 1) + p] / a[i * (p + 1) + i] / scale[i]
    }
    guard beta.allSatisfy(\.isFinite) else { return nil }
    return (beta, sse(beta))
  }

  /// Weighted sum of squared residuals of β: yᵀW²y − 2βᵀXᵀW²y + βᵀXᵀW²Xβ.
  public func sse(_ beta: [Double]) -> Double {
    var s = yy
    for r in 0..<parameters {
      s -= 2 * beta[r] * rhs[r]
      for c in 0..<parameters { s += beta[r] * gram[r * 3 + c] * beta[c] }
    }
    return max(s, 0)
  }

  /// Unconstrained least squares over all parameters.
  public func solve() -> [Double]? { solve(columns: (1 << parameters) - 1)?.beta }

  /// Non-negative least squares by trying every subset of the parameters: the
  /// best fit whose coefficients are all ≥ 0.
  public func solveNonNegative() -> (beta: [Double], sse: Double)? {
    var best: (beta: [Double], sse: Double)?
    for mask in 1..<(1 << parameters) {
      guard let s = solve(columns: mask), s.beta.allSatisfy({ $0 >= 0 }) else { continue }
      if best == nil || s.sse < (best?.sse ?? .infinity) { best = s }
    }
    return best
  }
}
