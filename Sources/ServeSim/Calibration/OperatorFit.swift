/// A roofline model of one operator on one device, with parameters fitted to
/// its measurements: a row of the calibration store's `fit` table.
///
/// Kernels: t = launch + max(F′ · secondsPerFlop, bytes · secondsPerByte),
/// where F′ is the FLOPs the device spends: on a GPU, a matrix product runs
/// ⌈m/tileM⌉·⌈n/tileN⌉ output tiles in ⌈tiles/units⌉ waves over its compute
/// units, so F′ = waves · units · 2·tileM·tileN·k (tile and wave quantisation);
/// elsewhere F′ is the FLOPs. Collectives: t = α + bytes · secondsPerByte
/// (α is `launchSeconds`).
public struct OperatorFit: Sendable, Equatable {
  public var op: CalibrationOp
  /// The math format (nil for collectives and memory-bound kernels, which are
  /// fitted over every format).
  public var dtype: DType?
  /// Ranks of a collective (0 for a kernel).
  public var ranks: Int
  /// Fixed time per call (launch, or a collective's α), in seconds.
  public var launchSeconds: Double
  /// Inverse achieved compute rate, in seconds per FLOP (0: no compute term).
  public var secondsPerFlop: Double
  /// Inverse achieved bandwidth, in seconds per byte (0: no memory term).
  public var secondsPerByte: Double
  /// Output tile of a matrix product, in rows and columns (0: no quantisation).
  public var tileM: Int
  public var tileN: Int
  /// Compute units the tiles are spread over (SMs).
  public var computeUnits: Int
  /// Most pieces the kernel splits a product's k loop into when its output
  /// tiles are fewer than the compute units (1: never split). Split k ways,
  /// the tiles fill k times as many units, each running 1/k of the loop.
  /// Not stored: a device file sets it (`matmul_split_k`).
  public var maxSplitK = 1
  /// Root-mean-square relative error of the fit over its points (0.05 = 5%).
  public var residual: Double
  /// Measurements the fit was made from.
  public var points: Int

  public init(
    op: CalibrationOp, dtype: DType?, ranks: Int = 0, launchSeconds: Double,
    secondsPerFlop: Double, secondsPerByte: Double, tileM: Int = 0, tileN: Int = 0,
    computeUnits: Int = 0, residual: Double, points: Int
  ) {
    self.op = op
    self.dtype = dtype
    self.ranks = ranks
    self.launchSeconds = launchSeconds
    self.secondsPerFlop = secondsPerFlop
    self.secondsPerByte = secondsPerByte
    self.tileM = tileM
    self.tileN = tileN
    self.computeUnits = computeUnits
    self.residual = residual
    self.points = points
  }

  /// The FLOPs a matrix product of m × n × k spends with tile and wave
  /// quantisation (the plain 2·m·n·k without a tile).
  ///
  /// With `maxSplitK` above 1, a product of fewer tiles than units splits its
  /// k loop into s = min(maxSplitK, units / tiles) pieces (aiter's Triton
  /// GEMMs, `NUM_KSPLIT`): s times the tiles, each of k/s.
  public static func quantisedFlops(
    m: Double, n: Double, k: Double, tileM: Int, tileN: Int, units: Int, maxSplitK: Int = 1
  ) -> Double {
    guard tileM > 0, tileN > 0, units > 0 else { return 2 * m * n * k }
    var tiles = (m / Double(tileM)).rounded(.up) * (n / Double(tileN)).rounded(.up)
    var depth = k
    if maxSplitK > 1 && tiles < Double(units) {
      let split = min(Double(maxSplitK), (Double(units) / tiles).rounded(.down))
      tiles *= split
      depth = k / split
    }
    let waves = (tiles / Double(units)).rounded(.up)
    return waves * Double(units) * 2 * Double(tileM) * Double(tileN) * depth
  }

  /// The FLOPs this fit charges for `work` (quantised for a matrix product of
  /// `m` × `n` × `k`; pass 0s otherwise).
  public func chargedFlops(_ work: OperatorWork, m: Double, n: Double, k: Double) -> Double {
    guard op.family == .matmul, tileM > 0 else { return work.flops }
    return Self.quantisedFlops(
      m: m, n: n, k: k, tileM: tileM, tileN: tileN, units: computeUnits, maxSplitK: maxSplitK)
  }

  /// Predicted time of `work`, in seconds.
  public func seconds(_ work: OperatorWork, m: Double = 0, n: Double = 0, k: Double = 0) -> Double {
    if op.family == .collective { return launchSeconds + work.bytes * secondsPerByte }
    let compute = chargedFlops(work, m: m, n: n, k: k) * secondsPerFlop
    return launchSeconds + max(compute, work.bytes * secondsPerByte)
  }

  /// The parameters as named figures for storage: `launch_us`, `tflops`
  /// (achieved), `gbps` (achieved, GB/s), `tile_m`, `tile_n`, `units`; a term
  /// the fit does without is left out.
  public var parameters: [(String, Double)] {
    var out = [("launch_us", launchSeconds * 1e6)]
    if secondsPerFlop > 0 { out.append(("tflops", 1 / secondsPerFlop / 1e12)) }
    if secondsPerByte > 0 { out.append(("gbps", 1 / secondsPerByte / 1e9)) }
    if tileM > 0 {
      out.append(("tile_m", Double(tileM)))
      out.append(("tile_n", Double(tileN)))
      out.append(("units", Double(computeUnits)))
    }
    return out
  }

  /// Rebuilds a fit from stored parameters (see `parameters`).
  public init(
    op: CalibrationOp, dtype: DType?, ranks: Int, parameters: [String: Double], residual: Double,
    points: Int
  ) {
    let tflops = parameters["tflops"] ?? 0
    let gbps = parameters["gbps"] ?? 0
    self.init(
      op: op, dtype: dtype, ranks: ranks, launchSeconds: (parameters["launch_us"] ?? 0) * 1e-6,
      secondsPerFlop: tflops > 0 ? 1 / (tflops * 1e12) : 0,
      secondsPerByte: gbps > 0 ? 1 / (gbps * 1e9) : 0,
      tileM: Int(parameters["tile_m"] ?? 0), tileN: Int(parameters["tile_n"] ?? 0),
      computeUnits: Int(parameters["units"] ?? 0), residual: residual, points: points)
  }
}
