/// Measured times grouped into families of shapes that differ in one size
/// variable, for interpolation (see `MeasuredCurve`).
///
/// Families: a matrix product's (n, k) over m; an attention's (heads, KV heads,
/// head size) over causal pairs (prefill) or context tokens (decode); a
/// collective's rank count over bytes; a memory-bound kernel over bytes.
public struct MeasurementTable: Sendable, Equatable {
  /// What identifies a family.
  public struct Family: Sendable, Hashable {
    public var op: CalibrationOp
    /// The math format; nil for collectives and memory-bound kernels, whose
    /// times depend on bytes alone.
    public var dtype: DType?
    public var a: Int
    public var b: Int
    public var c: Int

    public init(op: CalibrationOp, dtype: DType, a: Int = 0, b: Int = 0, c: Int = 0) {
      let bytesOnly = op.family == .collective || op.family == .memory
      self.op = op
      self.dtype = bytesOnly ? nil : dtype
      self.a = a
      self.b = b
      self.c = c
    }

    /// Hashes the cases by position (a raw-value enum would hash its string).
    public func hash(into hasher: inout Hasher) {
      hasher.combine(op.ordinal &* 16 &+ (dtype.map { $0.order + 1 } ?? 0))
      hasher.combine(a)
      hasher.combine(b)
      hasher.combine(c)
    }

    /// The family of `op` on `shape` in `dtype`.
    public init(_ op: CalibrationOp, dtype: DType, shape s: OperatorShape) {
      switch op.family {
      case .matmul: self.init(op: op, dtype: dtype, a: s.n, b: s.k)
      case .attentionPrefill, .attentionDecode:
        self.init(op: op, dtype: dtype, a: s.heads, b: s.kvHeads, c: s.headDim)
      case .collective: self.init(op: op, dtype: dtype, a: s.ranks)
      case .memory: self.init(op: op, dtype: dtype)
      }
    }
  }

  public private(set) var curves: [Family: MeasuredCurve]

  /// Groups `measurements` (of one device) into curves; rows flagged as timed
  /// on a busy machine are left out of a family with at least two unflagged rows.
  ///
  /// - Parameter fitted: the fitted model's time of a measurement, in seconds,
  ///   if any (the curves then interpolate measured/fitted ratios).
  public init(
    _ measurements: [KernelMeasurement], fitted: (KernelMeasurement) -> Double? = { _ in nil }
  ) {
    var points = [Family: [(size: Double, seconds: Double, fitted: Double?, flagged: Bool)]]()
    for m in measurements {
      let family = Family(m.op, dtype: m.dtype, shape: m.shape)
      points[family, default: []].append((m.work.size, m.medianUs * 1e-6, fitted(m), m.flagged))
    }
    // Rows timed on a busy machine are left out of a family that has at
    // least two others.
    curves = points.mapValues { all in
      let clean = all.filter { !$0.flagged }
      let use = clean.count >= 2 ? clean : all
      return MeasuredCurve(points: use.map { (size: $0.size, seconds: $0.seconds, fitted: $0.fitted) })
    }
  }

  /// A table of curves already grouped (a store's snapshot).
  public init(curves: [Family: MeasuredCurve]) {
    self.curves = curves
  }

  /// The measured (or interpolated) time of a family at `size`, in seconds;
  /// a 16-bit float family answers for the other 16-bit format when it has no
  /// data of its own.
  ///
  /// - Parameter fitted: the fitted model's time at `size` (see `MeasuredCurve`).
  public func seconds(_ family: Family, size: Double, fitted: Double? = nil) -> Double? {
    if let curve = curves[family], let t = curve.seconds(at: size, fitted: fitted) { return t }
    guard let twin = family.dtype?.sixteenBitTwin else { return nil }
    var other = family
    other.dtype = twin
    return curves[other]?.seconds(at: size, fitted: fitted)
  }
}

extension DType {
  /// fp16 for bf16 and back: the same tensor-core rate on the GPUs modelled, so
  /// a measurement of one stands in for the other.
  public var sixteenBitTwin: DType? {
    switch self {
    case .bf16: .fp16
    case .fp16: .bf16
    default: nil
    }
  }
}
