/// Fits roofline parameters to a device's measurements by least squares
/// (`OperatorFit` gives the model).
///
/// Errors are relative (each point weighted by 1/time), so a 10 µs kernel
/// counts as much as a 10 ms one. The max() of a roofline is fitted by
/// alternating between assigning each point to its binding term and solving
/// the then linear problem with non-negative coefficients; on a GPU the output
/// tile is chosen among common cuBLAS tiles by the smallest residual.
public enum CalibrationFitter {
  /// Output tiles tried for matrix products on devices with compute units
  /// (rows × columns).
  public static let tileCandidates: [(Int, Int)] = [
    (64, 64), (128, 64), (64, 128), (128, 128), (128, 256), (256, 128),
  ]

  /// A matrix-product family with fewer points than this borrows the memory
  /// term of the device's best-covered one.
  public static let sparseFamily = 30

  /// One measured point, in SI units.
  struct Point {
    var work: OperatorWork
    var m: Double
    var n: Double
    var k: Double
    var seconds: Double
    var flagged = false
  }

  /// Fits every operator family with enough measurements.
  ///
  /// - Parameters:
  ///   - measurements: one device's rows (rows flagged as taken on a busy
  ///     machine are left out of a fit that has enough unflagged ones).
  ///   - computeUnits: the device's SMs for tile and wave quantisation of matrix
  ///     products (0 for none, as on a CPU).
  /// - Returns: the fits, sorted by operator, dtype and ranks.
  public static func fit(_ measurements: [KernelMeasurement], computeUnits: Int) -> [OperatorFit] {
    var kernels = [String: (CalibrationOp, DType?, [Point])]()
    var collectives = [String: (CalibrationOp, Int, [Point])]()
    func point(_ m: KernelMeasurement) -> Point {
      Point(
        work: m.work, m: Double(m.shape.m), n: Double(m.shape.n), k: Double(m.shape.k),
        seconds: m.medianUs * 1e-6, flagged: m.flagged)
    }
    /// The unflagged points when there are at least `minimum`, else all.
    func usable(_ points: [Point], minimum: Int) -> [Point] {
      let clean = points.filter { !$0.flagged }
      return clean.count >= minimum ? clean : points
    }
    for m in measurements where m.medianUs > 0 {
      switch m.op.family {
      case .collective:
        let key = "\(m.op.rawValue)/\(m.shape.ranks)"
        collectives[key, default: (m.op, m.shape.ranks, [])].2.append(point(m))
      case .memory:
        kernels["\(m.op.rawValue)/", default: (m.op, nil, [])].2.append(point(m))
        if m.op != .elementwise {
          kernels["elementwise/", default: (.elementwise, nil, [])].2.append(point(m))
        }
      case .matmul, .attentionPrefill, .attentionDecode:
        let key = "\(m.op.rawValue)/\(m.dtype.rawValue)"
        kernels[key, default: (m.op, m.dtype, [])].2.append(point(m))
      }
    }
    var fits = [OperatorFit]()
    // Matrix-product families by falling point count: the best-covered one
    // fixes the achieved bandwidth of weight streaming, which a sparsely
    // measured format (fp8 from a few published mid-size shapes) borrows:
    // the weights go through the same memory system, only the tensor-core
    // rate and the fixed cost differ. Unconstrained, nine DeepGEMM points
    // fitted 5,971 GB/s on a 3,350 GB/s H100.
    // Ties broken by operator and format, so the borrowed bandwidth does not
    // depend on the dictionary's order.
    let families = kernels.values.sorted {
      ($0.2.count, $0.0.rawValue, $0.1?.rawValue ?? "") > ($1.2.count, $1.0.rawValue, $1.1?.rawValue ?? "")
    }
    var streaming: Double?
    for (op, dtype, points) in families {
      let units = op.family == .matmul ? computeUnits : 0
      let borrowed = op.family == .matmul && points.count < sparseFamily ? streaming : nil
      guard
        let f = fitKernel(
          op: op, dtype: dtype, points: usable(points, minimum: 3), computeUnits: units,
          secondsPerByte: borrowed)
      else { continue }
      if op.family == .matmul, streaming == nil, points.count >= sparseFamily, f.secondsPerByte > 0 {
        streaming = f.secondsPerByte
      }
      fits.append(f)
    }
    for (op, ranks, points) in collectives.values {
      if let f = fitCollective(op: op, ranks: ranks, points: usable(points, minimum: 2)) {
        fits.append(f)
      }
    }
    return fits.sorted {
      ($0.op, $0.dtype?.rawValue ?? "", $0.ranks) < ($1.op, $1.dtype?.rawValue ?? "", $1.ranks)
    }
  }

  /// Root-mean-square relative error of `predict` over `points`.
  static func relativeRMS(_ points: [Point], _ predict: (Point) -> Double) -> Double {
    guard !points.isEmpty else { return 0 }
    var sum = 0.0
    for p in points {
      let e = (predict(p) - p.seconds) / p.seconds
      sum += e * e
    }
    return (sum / Double(points.count)).squareRoot()
  }

  /// t = launch + max(F′·a, bytes·b), fitted for each candidate tile (b fixed
  /// when `secondsPerByte` is given).
  static func fitKernel(
    op: CalibrationOp, dtype: DType?, points: [Point], computeUnits: Int,
    secondsPerByte fixed: Double? = nil
  ) -> OperatorFit? {
    guard points.count >= 3 else { return nil }
    var tiles: [(Int, Int)] = [(0, 0)]
    if computeUnits > 0 { tiles += tileCandidates }
    var best: OperatorFit?
    for (tm, tn) in tiles {
      let flops = points.map {
        op.family == .matmul
          ? OperatorFit.quantisedFlops(m: $0.m, n: $0.n, k: $0.k, tileM: tm, tileN: tn, units: computeUnits)
          : $0.work.flops
      }
      guard let (beta, residual) = fitMax(points: points, flops: flops, secondsPerByte: fixed) else {
        continue
      }
      if let b = best, b.residual <= residual { continue }
      best = OperatorFit(
        op: op, dtype: dtype, launchSeconds: beta[0], secondsPerFlop: beta[1],
        secondsPerByte: beta[2], tileM: tm, tileN: tn, computeUnits: tm > 0 ? computeUnits : 0,
        residual: residual, points: points.count)
    }
    return best
  }

  /// The roofline's max() by alternating assignment; returns [launch, s/FLOP,
  /// s/byte] and the relative RMS error (s/byte held at `fixed` when given).
  static func fitMax(points: [Point], flops: [Double], secondsPerByte fixed: Double? = nil)
    -> ([Double], Double)?
  {
    func residual(_ beta: [Double]) -> Double {
      var sum = 0.0
      for (i, p) in points.enumerated() {
        let t = beta[0] + max(flops[i] * beta[1], p.work.bytes * beta[2])
        let e = (t - p.seconds) / p.seconds
        sum += e * e
      }
      return (sum / Double(points.count)).squareRoot()
    }
    /// Solves with each point on the term `computeBound` says (nil: both terms added).
    func solve(_ computeBound: [Bool]?) -> [Double]? {
      if let fixed {
        var ls = LeastSquares(parameters: 2)
        for (i, p) in points.enumerated() {
          let compute = computeBound.map { $0[i] } ?? true
          let memory = computeBound.map { !$0[i] } ?? false
          let y = p.seconds - (memory ? p.work.bytes * fixed : 0)
          ls.add(1, compute ? flops[i] : 0, y: y, weight: 1 / p.seconds)
        }
        guard let beta = ls.solveNonNegative()?.beta else { return nil }
        return [beta[0], beta[1], fixed]
      }
      var ls = LeastSquares(parameters: 3)
      for (i, p) in points.enumerated() {
        let compute = computeBound.map { $0[i] } ?? true
        let memory = computeBound.map { !$0[i] } ?? true
        ls.add(1, compute ? flops[i] : 0, memory ? p.work.bytes : 0, y: p.seconds, weight: 1 / p.seconds)
      }
      return ls.solveNonNegative()?.beta
    }
    var best: ([Double], Double)?
    // Starts: both terms added, and splits at quantiles of the arithmetic
    // intensity (a search over the ridge point), each refined by alternation.
    var starts: [[Double]?] = [solve(nil)]
    let intensity = points.indices.map { flops[$0] / max(points[$0].work.bytes, 1) }
    let sorted = intensity.sorted()
    for q in stride(from: 0.0, through: 1.0, by: 0.1) {
      let ridge = sorted[min(Int(q * Double(sorted.count - 1)), sorted.count - 1)]
      starts.append(solve(intensity.map { $0 >= ridge }))
    }
    for start in starts {
      guard var beta = start else { continue }
      var assignment = [Bool]()
      for _ in 0..<30 {
        let r = residual(beta)
        if best == nil || r < (best?.1 ?? .infinity) { best = (beta, r) }
        let next = points.indices.map { flops[$0] * beta[1] >= points[$0].work.bytes * beta[2] }
        if next == assignment { break }
        assignment = next
        guard let solved = solve(assignment) else { break }
        beta = solved
      }
      let r = residual(beta)
      if best == nil || r < (best?.1 ?? .infinity) { best = (beta, r) }
    }
    return best
  }

  /// t = α + bytes·β with α, β ≥ 0.
  static func fitCollective(op: CalibrationOp, ranks: Int, points: [Point]) -> OperatorFit? {
    guard points.count >= 2 else { return nil }
    var ls = LeastSquares(parameters: 2)
    for p in points { ls.add(1, p.work.bytes, y: p.seconds, weight: 1 / p.seconds) }
    guard let (beta, _) = ls.solveNonNegative() else { return nil }
    let residual = relativeRMS(points) { beta[0] + $0.work.bytes * beta[1] }
    return OperatorFit(
      op: op, dtype: nil, ranks: ranks, launchSeconds: beta[0], secondsPerFlop: 0,
      secondsPerByte: beta[1], residual: residual, points: points.count)
  }
}
