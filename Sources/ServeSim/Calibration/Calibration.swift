/// One device's calibration: its measurements (interpolated over shape) and the
/// roofline parameters fitted to them. The cost model consults it before the
/// datasheet.
///
/// Order of preference for an operator: measured data covering its shape →
/// the fitted model → nothing (the caller falls back to the datasheet roofline).
public struct Calibration: Sendable, Equatable {
  /// The device the measurements belong to, as named in the store.
  public var device: String
  /// The measurements the curves were grouped from; empty when the calibration
  /// was read from a store's snapshot (`init(device:fits:table:ceiling:)`).
  public private(set) var measurements: [KernelMeasurement]
  public private(set) var fits: [OperatorFit]
  /// The best source this calibration may answer from: `.fitted` ignores the
  /// measurements (to check the fitted model), `.datasheet` ignores everything.
  public var ceiling: CostSource
  /// Whether the measurements were made on another device of the same
  /// architecture (`Cost/Calibration+Transfer`): their measured/fitted ratios
  /// then shape this device's fitted times, and the source is `.fitted`.
  public private(set) var measuredElsewhere = false
  /// How the operands of the fp8 matrix products this calibration was
  /// measured on were scaled: DeepGEMM's kernels (the shipped H100 store)
  /// by blocks, `torch._scaled_mm` (`servesim profile`) per tensor. The cost
  /// model prices a GEMM of the other kind from these fits at
  /// `CostModel.perTensorFP8Speedup` (`fp8_gemm_scaling:` in a device file's
  /// `calibration:`; default per tensor).
  public var fp8GEMMScaling = FP8Scaling.tensor
  public private(set) var table: MeasurementTable
  private var fitIndex: [FitKey: OperatorFit]

  struct FitKey: Hashable {
    var op: CalibrationOp
    var dtype: DType?
    var ranks: Int

    /// Hashes the cases by position (a raw-value enum would hash its string).
    func hash(into hasher: inout Hasher) {
      hasher.combine(op.ordinal &* 16 &+ (dtype.map { $0.order + 1 } ?? 0))
      hasher.combine(ranks)
    }
  }
  /// `fits` by operator, format and rank count.
  static func index(_ fits: [OperatorFit]) -> [FitKey: OperatorFit] {
    var index = [FitKey: OperatorFit]()
    for f in fits { index[FitKey(op: f.op, dtype: f.dtype, ranks: f.ranks)] = f }
    return index
  }

  /// - Parameters:
  ///   - device: the store's name for the device.
  ///   - measurements: that device's measurements.
  ///   - fits: that device's fits (see `CalibrationFitter`).
  ///   - ceiling: the best source allowed (default `.measured`).
  public init(
    device: String, measurements: [KernelMeasurement], fits: [OperatorFit],
    ceiling: CostSource = .measured
  ) {
    self.device = device
    self.measurements = measurements
    self.fits = fits
    self.ceiling = ceiling
    let index = Self.index(fits)
    fitIndex = index
    table = MeasurementTable(measurements) { m in
      Self.fit(in: index, m.op, dtype: m.dtype, ranks: m.shape.ranks)?.seconds(
        m.work, m: Double(m.shape.m), n: Double(m.shape.n), k: Double(m.shape.k))
    }
  }

  /// A calibration from its fits and its measurements already grouped into
  /// curves (a store's snapshot, read without the rows): it prices exactly as
  /// the calibration the table was taken from; `measurements` is empty.
  ///
  /// - Parameters:
  ///   - device: the store's name for the device.
  ///   - fits: that device's fits.
  ///   - table: the curves of a calibration made from its measurements and `fits`.
  ///   - ceiling: the best source allowed (default `.measured`).
  public init(device: String, fits: [OperatorFit], table: MeasurementTable, ceiling: CostSource = .measured) {
    self.device = device
    measurements = []
    self.fits = fits
    self.ceiling = ceiling
    fitIndex = Self.index(fits)
    self.table = table
  }

  /// This calibration with `fits` in place of its own, for another device:
  /// the measured curves keep their ratios to the fits they were made
  /// against, and apply them to the new fits' times. Without `collectives`
  /// the collective curves are left out (they describe the measured
  /// cluster's links).
  init(carrying other: Calibration, to device: String, fits: [OperatorFit], collectives: Bool = true) {
    self = other
    self.device = device
    self.fits = fits
    if !collectives {
      table = MeasurementTable(curves: other.table.curves.filter { $0.key.op.family != .collective })
    }
    fitIndex = Self.index(fits)
    measuredElsewhere = true
  }

  /// This calibration with the matrix-product compute rates of `own`, a
  /// store of the device's own measured GEMMs: for each matrix-product fit of
  /// `own` (operator and format), this calibration's fit of that operator
  /// and format takes `own`'s achieved compute rate, output tile and compute
  /// units, and keeps its launch floor and bandwidth; this calibration's
  /// measured curves of that operator and format are dropped (they shaped the
  /// fits of the device they were timed on), and `own`'s are not used.
  ///
  /// Made for a calibration carried from another device
  /// (`transferred(from:to:collectives:)`), whose compute rate the datasheet
  /// ratio sets, where the target's own GEMMs have been timed by a kernel
  /// library's tuning tables (AMD aiter's fp8 block-scaled GEMMs on MI300X
  /// and MI355X): those tables measure the compute-bound rate well (large m),
  /// while their small-m times are the tuned kernels' latency floors (17 to 21
  /// us at k = 7,168 whatever n, on MI300X and MI355X alike), which a joint
  /// fit turns into a bandwidth far below the HBM's (1.5 TB/s of 5.3 on
  /// MI300X) and which would price the weight streaming of a decode step's
  /// grouped MoE GEMMs at it. A format `own` does not fit keeps its carried
  /// fit and curves.
  ///
  /// - Parameters:
  ///   - own: the store of the device's own GEMMs.
  ///   - maxSplitK: the most pieces the engine's GEMM kernel splits the k
  ///     loop into when a product has fewer output tiles than compute units
  ///     (`OperatorFit.maxSplitK`): aiter's Triton fp8 block-scaled GEMM on
  ///     MI350X and MI355X splits it 14 ways up to 32 rows and 7 up to 128
  ///     (`NUM_KSPLIT` in its `MI350X-GEMM-A8W8_BLOCKSCALE-N=*-K=*.json`
  ///     configs); on MI300X never (`NUM_KSPLIT` 1 for every m), so each
  ///     output tile runs its whole k loop on one compute unit, which `own`'s
  ///     tile and units express.
  public func withComputeRates(of own: Calibration, maxSplitK: Int = 1) -> Calibration {
    // Matrix-product fits are keyed with 0 ranks.
    var rates = [FitKey: OperatorFit]()
    for f in own.fits where f.op.family == .matmul && f.secondsPerFlop > 0 {
      rates[FitKey(op: f.op, dtype: f.dtype, ranks: 0)] = f
    }
    guard !rates.isEmpty else { return self }
    var result = self
    result.fits = fits.map { fit in
      guard let rate = rates[FitKey(op: fit.op, dtype: fit.dtype, ranks: fit.ranks)] else { return fit }
      var f = fit
      f.secondsPerFlop = rate.secondsPerFlop
      f.tileM = rate.tileM
      f.tileN = rate.tileN
      f.computeUnits = rate.computeUnits
      f.maxSplitK = maxSplitK
      return f
    }
    result.fitIndex = Self.index(result.fits)
    result.table = MeasurementTable(
      curves: table.curves.filter { rates[FitKey(op: $0.key.op, dtype: $0.key.dtype, ranks: 0)] == nil })
    result.measurements = measurements.filter { rates[FitKey(op: $0.op, dtype: $0.dtype, ranks: 0)] == nil }
    return result
  }

  /// The fit for an operator: by dtype (or its 16-bit twin) for matrix products
  /// and attention, by rank count for collectives; a memory-bound kernel without
  /// a fit of its own uses the fit pooled over all memory-bound kernels.
  public func fit(_ op: CalibrationOp, dtype: DType, ranks: Int = 0) -> OperatorFit? {
    Self.fit(in: fitIndex, op, dtype: dtype, ranks: ranks)
  }

  static func fit(in index: [FitKey: OperatorFit], _ op: CalibrationOp, dtype: DType, ranks: Int)
    -> OperatorFit?
  {
    switch op.family {
    case .collective:
      return index[FitKey(op: op, dtype: nil, ranks: ranks)]
    case .memory:
      return index[FitKey(op: op, dtype: nil, ranks: 0)]
        ?? index[FitKey(op: .elementwise, dtype: nil, ranks: 0)]
    case .matmul, .attentionPrefill, .attentionDecode:
      if let f = index[FitKey(op: op, dtype: dtype, ranks: 0)] { return f }
      guard let twin = dtype.sixteenBitTwin else { return nil }
      return index[FitKey(op: op, dtype: twin, ranks: 0)]
    }
  }

  /// A family's fit and measured curves, found once: an operator priced
  /// every iteration (attention) looks its family up at set-up, not per call.
  ///
  /// Its parts sit in one shared, immutable box: an operator priced every
  /// iteration copies its lookup out of the cost model's table, and a copy
  /// then retains one reference rather than each curve's three arrays
  /// (issue 10).
  public struct Lookup: Sendable {
    final class Parts: Sendable {
      let fit: OperatorFit?
      let curve: MeasuredCurve?
      /// The other 16-bit format's curve, answering where `curve` does not.
      let twin: MeasuredCurve?

      init(fit: OperatorFit?, curve: MeasuredCurve?, twin: MeasuredCurve?) {
        self.fit = fit
        self.curve = curve
        self.twin = twin
      }
    }

    let parts: Parts

    init(fit: OperatorFit?, curve: MeasuredCurve?, twin: MeasuredCurve?) {
      parts = Parts(fit: fit, curve: curve, twin: twin)
    }

  }

  /// Whether this calibration times `op` in `dtype` itself (a fit, or a
  /// measured curve, for that format and not its 16-bit twin).
  public func covers(_ op: CalibrationOp, dtype: DType) -> Bool {
    fitIndex[FitKey(op: op, dtype: dtype, ranks: 0)] != nil
      || table.curves.keys.contains { $0.op == op && $0.dtype == dtype }
  }

  /// The fit and curves of `family`.
  public func lookup(_ family: MeasurementTable.Family) -> Lookup {
    var twin: MeasuredCurve?
    if let other = family.dtype?.sixteenBitTwin {
      var key = family
      key.dtype = other
      twin = table.curves[key]
    }
    return Lookup(
      fit: fit(
        family.op, dtype: family.dtype ?? .fp32, ranks: family.op.family == .collective ? family.a : 0),
      curve: table.curves[family], twin: twin)
  }

  /// The time of an operator and where it came from, or nil when neither a
  /// measurement nor a fit covers it.
  ///
  /// - Parameters:
  ///   - family: the operator's family of shapes (see `MeasurementTable.Family`).
  ///   - work: its FLOPs, bytes and interpolation size.
  ///   - m, n, k: a matrix product's dimensions (for tile quantisation).
  ///   - measured: whether measurements may answer (false for work whose shape
  ///     the family's measurements do not describe, such as grouped GEMMs).
  /// - Complexity: O(log n) in the family's measurements; no allocation.
  public func seconds(
    _ family: MeasurementTable.Family, work: OperatorWork, m: Double = 0, n: Double = 0,
    k: Double = 0, measured: Bool = true
  ) -> (seconds: Double, source: CostSource)? {
    seconds(lookup(family), work: work, m: m, n: n, k: k, measured: measured)
  }

  /// The time of an operator of a family already looked up.
  public func seconds(
    _ lookup: Lookup, work: OperatorWork, m: Double = 0, n: Double = 0, k: Double = 0,
    measured: Bool = true
  ) -> (seconds: Double, source: CostSource)? {
    Self.seconds(
      lookup, ceiling: ceiling, measuredElsewhere: measuredElsewhere, work: work, m: m, n: n, k: k,
      measured: measured)
  }

  /// The same from a lookup and the two settings of its calibration
  /// (`ceiling`, `measuredElsewhere`), without the calibration itself: the
  /// cost model's per-iteration path holds these, since copying a
  /// calibration retains each of its tables.
  static func seconds(
    _ lookup: Lookup?, ceiling: CostSource, measuredElsewhere: Bool, work: OperatorWork, m: Double = 0,
    n: Double = 0, k: Double = 0, measured: Bool = true
  ) -> (seconds: Double, source: CostSource)? {
    // The box alone, not the lookup bound as a copy (a copy of an optional
    // lookup goes through the generic value witness).
    guard let parts = lookup?.parts else { return nil }
    return seconds(
      parts, ceiling: ceiling, measuredElsewhere: measuredElsewhere, work: work, m: m, n: n, k: k,
      measured: measured)
  }

  /// The same from a lookup's box.
  static func seconds(
    _ parts: Lookup.Parts, ceiling: CostSource, measuredElsewhere: Bool, work: OperatorWork,
    m: Double = 0, n: Double = 0, k: Double = 0, measured: Bool = true
  ) -> (seconds: Double, source: CostSource)? {
    let fitted = parts.fit?.seconds(work, m: m, n: n, k: k)
    if measured, ceiling <= .measured,
      let t = parts.curve?.seconds(at: work.size, fitted: fitted)
        ?? parts.twin?.seconds(at: work.size, fitted: fitted)
    {
      return (t, measuredElsewhere ? .fitted : .measured)
    }
    if ceiling <= .fitted, let fitted { return (fitted, .fitted) }
    return nil
  }

  /// The time of `op` on `shape`, for single operators (`servesim cost`).
  public func seconds(
    _ op: CalibrationOp, shape: OperatorShape, dtype: DType, kvDType: DType
  ) -> (seconds: Double, source: CostSource)? {
    seconds(
      MeasurementTable.Family(op, dtype: dtype, shape: shape),
      work: OperatorWork(op, shape: shape, dtype: dtype, kvDType: kvDType), m: Double(shape.m),
      n: Double(shape.n), k: Double(shape.k))
  }
}
