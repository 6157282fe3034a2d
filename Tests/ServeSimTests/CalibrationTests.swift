import Testing

@testable import ServeSim

/// Interpolation, fitting and the source fallback order of the calibration.
@Suite struct CalibrationTests {
  func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-300)
  }

  func measurement(
    _ op: CalibrationOp, _ shape: OperatorShape, us: Double, dtype: DType = .bf16, device: String = "d"
  ) -> KernelMeasurement {
    KernelMeasurement(
      device: device, backend: "test", backendVersion: "1", op: op, dtype: dtype, shape: shape,
      medianUs: us, spreadUs: 0, repeats: 1, measuredAt: "2026-01-01T00:00:00Z", host: "h")
  }

  @Test func curveInterpolatesInLogSpaceAndOnlyInsideItsRange() {
    let curve = MeasuredCurve(points: [
      (size: 10, seconds: 1), (size: 1000, seconds: 100), (size: 10, seconds: 1),
    ])
    #expect(curve.count == 2)
    #expect(close(curve.seconds(at: 10) ?? 0, 1))
    #expect(close(curve.seconds(at: 1000) ?? 0, 100))
    // log-log straight line: t = size / 10.
    #expect(close(curve.seconds(at: 100) ?? 0, 10, 1e-12))
    #expect(curve.seconds(at: 9) == nil)
    #expect(curve.seconds(at: 1001) == nil)
  }

  @Test func tableLeavesOutRowsTimedOnABusyMachine() {
    var busy = measurement(.gemm, OperatorShape(m: 64, n: 8, k: 8), us: 1000)
    busy.flagged = true
    let rows = [
      measurement(.gemm, OperatorShape(m: 1, n: 8, k: 8), us: 10), busy,
      measurement(.gemm, OperatorShape(m: 4096, n: 8, k: 8), us: 10),
    ]
    let table = MeasurementTable(rows)
    let family = MeasurementTable.Family(.gemm, dtype: .bf16, shape: OperatorShape(m: 64, n: 8, k: 8))
    #expect(close(table.seconds(family, size: 64) ?? 0, 10e-6))
  }

  @Test func curveWithRatiosFollowsTheModelBetweenPoints() {
    // Measured 1.1x and 1.3x a model; between them the model's shape times the
    // interpolated ratio.
    let curve = MeasuredCurve(points: [
      (size: 1, seconds: 1.1, fitted: 1), (size: 100, seconds: 130, fitted: 100),
    ])
    let mid = curve.seconds(at: 10, fitted: 5) ?? 0
    let ratio = (1.1 * 1.3).squareRoot()  // geometric mean at the log-midpoint
    #expect(close(mid, 5 * ratio, 1e-12))
  }

  @Test func leastSquaresRecoversALine() {
    var ls = LeastSquares(parameters: 2)
    for x in stride(from: 1.0, through: 10, by: 1) { ls.add(1, x, y: 3 + 2 * x) }
    let beta = ls.solve() ?? []
    #expect(close(beta[0], 3, 1e-9) && close(beta[1], 2, 1e-9))
    // Non-negative: a negative intercept is not allowed, the slope absorbs it.
    var negative = LeastSquares(parameters: 2)
    for x in stride(from: 1.0, through: 10, by: 1) { negative.add(1, x, y: -1 + x) }
    let constrained = negative.solveNonNegative()?.beta ?? []
    #expect(constrained[0] == 0 && constrained[1] > 0)
  }

  @Test func fitRecoversKnownGemmParametersWithTileQuantisation() {
    // A synthetic GPU: 5 us launch, 500 TFLOP/s, 2000 GB/s, 128x64 tiles on 100 SMs.
    let truth = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 5e-6, secondsPerFlop: 1 / 500e12,
      secondsPerByte: 1 / 2000e9, tileM: 128, tileN: 64, computeUnits: 100, residual: 0, points: 0)
    var rows = [KernelMeasurement]()
    for (n, k) in [(4096, 4096), (12288, 4096), (4096, 11008), (8192, 8192)] {
      for m in [1, 16, 64, 100, 128, 200, 256, 384, 512, 1000, 1024, 2048, 3000, 4096, 8192] {
        let shape = OperatorShape(m: m, n: n, k: k)
        let work = OperatorWork(.gemm, shape: shape, dtype: .bf16, kvDType: .bf16)
        let t = truth.seconds(work, m: Double(m), n: Double(n), k: Double(k))
        rows.append(measurement(.gemm, shape, us: t * 1e6))
      }
    }
    let fits = CalibrationFitter.fit(rows, computeUnits: 100)
    let fit = try? #require(fits.first { $0.op == .gemm })
    #expect(fit?.tileM == 128 && fit?.tileN == 64)
    #expect(close(fit?.launchSeconds ?? 0, 5e-6, 1e-6))
    #expect(close(1 / (fit?.secondsPerFlop ?? 1), 500e12, 1e-6))
    #expect(close(1 / (fit?.secondsPerByte ?? 1), 2000e9, 1e-6))
    #expect((fit?.residual ?? 1) < 1e-6)
  }

  @Test func sparseMatmulFormatBorrowsTheStreamingBandwidthOfTheBestCoveredOne() {
    // bf16 measured over many shapes at 2000 GB/s; fp8 from four mid-size
    // shapes that a free fit would explain with an impossible bandwidth.
    let bf16 = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 5e-6, secondsPerFlop: 1 / 500e12,
      secondsPerByte: 1 / 2000e9, residual: 0, points: 0)
    var rows = [KernelMeasurement]()
    for (n, k) in [(4096, 4096), (12288, 4096), (4096, 11008), (8192, 8192)] {
      for m in [1, 16, 64, 128, 256, 512, 1024, 2048, 4096, 8192] {
        let shape = OperatorShape(m: m, n: n, k: k)
        let work = OperatorWork(.gemm, shape: shape, dtype: .bf16, kvDType: .bf16)
        rows.append(measurement(.gemm, shape, us: bf16.seconds(work) * 1e6))
      }
    }
    for (m, n, k, us) in [
      (64, 7168, 16384, 30.0), (64, 4096, 7168, 9.0), (128, 7168, 2048, 5.0), (64, 2112, 7168, 6.0),
    ] {
      rows.append(measurement(.gemm, OperatorShape(m: m, n: n, k: k), us: us, dtype: .fp8))
    }
    let fits = CalibrationFitter.fit(rows, computeUnits: 0)
    let fp8 = try? #require(fits.first { $0.op == .gemm && $0.dtype == .fp8 })
    #expect(close(1 / (fp8?.secondsPerByte ?? 1), 2000e9, 1e-9))
    #expect(fp8.map { $0.points == 4 } == true)
  }

  @Test func fitRecoversCollectiveAlphaBetaAndBandwidth() {
    var rows = [KernelMeasurement]()
    for e in 10...28 {
      let bytes = 1 << e
      rows.append(
        measurement(.allReduce, OperatorShape(bytes: bytes, ranks: 4), us: 20 + Double(bytes) / 100e9 * 1e6))
      rows.append(measurement(.copy, OperatorShape(bytes: bytes), us: 2 + Double(bytes) / 1000e9 * 1e6))
    }
    let fits = CalibrationFitter.fit(rows, computeUnits: 0)
    let collective = fits.first { $0.op == .allReduce && $0.ranks == 4 }
    #expect(close(collective?.launchSeconds ?? 0, 20e-6, 1e-6))
    #expect(close(1 / (collective?.secondsPerByte ?? 1), 100e9, 1e-6))
    let copy = fits.first { $0.op == .copy }
    #expect(close(copy?.launchSeconds ?? 0, 2e-6, 1e-6))
    #expect(close(1 / (copy?.secondsPerByte ?? 1), 1000e9, 1e-6))
    // A memory-bound kernel without its own fit uses the pooled one.
    let calibration = Calibration(device: "d", measurements: [], fits: fits)
    #expect(calibration.fit(.rmsnorm, dtype: .bf16)?.op == .elementwise)
  }

  @Test func fitParametersRoundTripThroughNamedFigures() {
    let fit = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 4e-6, secondsPerFlop: 1 / 700e12,
      secondsPerByte: 1 / 3000e9, tileM: 128, tileN: 128, computeUnits: 132, residual: 0.05, points: 9)
    var figures = [String: Double]()
    for (key, value) in fit.parameters { figures[key] = value }
    let back = OperatorFit(op: .gemm, dtype: .bf16, ranks: 0, parameters: figures, residual: 0.05, points: 9)
    #expect(close(back.launchSeconds, fit.launchSeconds) && back.tileN == 128 && back.computeUnits == 132)
    #expect(close(back.secondsPerFlop, fit.secondsPerFlop) && close(back.secondsPerByte, fit.secondsPerByte))
  }

  @Test func sourcesFallBackFromMeasuredToFittedToDatasheet() {
    let shape = OperatorShape(m: 64, n: 1024, k: 1024)
    let rows = [
      measurement(.gemm, OperatorShape(m: 16, n: 1024, k: 1024), us: 30),
      measurement(.gemm, OperatorShape(m: 256, n: 1024, k: 1024), us: 60),
    ]
    let fit = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 20e-6, secondsPerFlop: 1e-13, secondsPerByte: 1e-12,
      residual: 0, points: 2)
    func cost(_ calibration: Calibration?) -> OperatorEstimate {
      CostModel(
        model: Fixtures.model, device: Fixtures.device, precision: Precision(),
        tensorGroup: Fixtures.group(1, .ringOnly), calibration: calibration
      ).gemm(m: Double(shape.m), n: Double(shape.n), k: Double(shape.k), mode: .eager)
    }
    // Covered by measurements: measured.
    let measured = cost(Calibration(device: "d", measurements: rows, fits: [fit]))
    #expect(measured.sources.measured == measured.seconds && measured.sources.dominant == .measured)
    // Outside the measured range (another family): the fit.
    let other = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(1, .ringOnly),
      calibration: Calibration(device: "d", measurements: rows, fits: [fit])
    ).gemm(m: 64, n: 2048, k: 1024, mode: .eager)
    #expect(other.sources.dominant == .fitted)
    let work = OperatorWork(
      .gemm, shape: OperatorShape(m: 64, n: 2048, k: 1024), dtype: .bf16, kvDType: .bf16)
    #expect(close(other.seconds, fit.seconds(work)))
    // Ceiling .fitted ignores the measurements.
    let fittedOnly = cost(Calibration(device: "d", measurements: rows, fits: [fit], ceiling: .fitted))
    #expect(fittedOnly.sources.dominant == .fitted)
    // Nothing: the datasheet, as without a calibration.
    let datasheet = cost(Calibration(device: "d", measurements: [], fits: []))
    #expect(datasheet == cost(nil) && datasheet.sources.dominant == .datasheet)
  }

  /// Memory-bound operators are priced from lookups made once per cost
  /// model (`CostModel.memoryLookups`): each op from its own family, as a
  /// lookup made on the call would.
  @Test func memoryOperatorsArePricedFromTheirOwnFamilies() {
    let rows = [
      measurement(.rmsnorm, OperatorShape(bytes: 1_000_000), us: 100),
      measurement(.rmsnorm, OperatorShape(bytes: 100_000_000), us: 1_000),
      measurement(.siluMul, OperatorShape(bytes: 1_000_000), us: 50),
      measurement(.siluMul, OperatorShape(bytes: 100_000_000), us: 400),
    ]
    let fit = OperatorFit(
      op: .elementwise, dtype: nil, launchSeconds: 3e-6, secondsPerFlop: 0, secondsPerByte: 1e-12,
      residual: 0, points: 2)
    let cost = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(1, .ringOnly),
      calibration: Calibration(device: "d", measurements: rows, fits: [fit]))
    #expect(cost.memoryLookups.count == CostModel.memoryOps.count)
    for (i, op) in CostModel.memoryOps.enumerated() {
      #expect(CostModel.memoryOpIndex(op) == i)
      for mode in [LaunchMode.eager, .graph] {
        let bytes = 10_000_000.0
        let priced = cost.elementwise(bytes: bytes, flops: bytes, mode: mode, op: op)
        let time = max(bytes / cost.vectorFlopsPerSecond, bytes / cost.bytesPerSecond)
        let direct = cost.priced(
          MeasurementTable.Family(op: op, dtype: cost.matmulDType),
          work: OperatorWork(flops: bytes, bytes: bytes, size: bytes), roofline: time, mode: mode)
        #expect(priced == direct, "\(op) \(mode)")
      }
    }
    // The measured ops follow their own curves (100 to 1,000 us and 50 to
    // 400 us over 1 to 100 MB).
    let norm = cost.elementwise(bytes: 10_000_000, flops: 0, mode: .eager, op: .rmsnorm)
    let silu = cost.elementwise(bytes: 10_000_000, flops: 0, mode: .eager, op: .siluMul)
    #expect(norm.sources.dominant == .measured && silu.sources.dominant == .measured)
    #expect(norm.seconds > 100e-6 && norm.seconds < 1_000e-6)
    #expect(norm.seconds != silu.seconds)
    #expect(CostModel.memoryOpIndex(.gemm) == nil)
  }

  @Test func fp8GEMMsOfTheOtherScalingComputeAtThePerTensorSpeedup() {
    // An fp8 fit measured on block-scaled kernels (DeepGEMM's): 500 TFLOP/s
    // on 64 x 64 tiles over 100 units, 1 TB/s, 5 us launch.
    let fit = OperatorFit(
      op: .gemm, dtype: .fp8, launchSeconds: 5e-6, secondsPerFlop: 1 / 500e12, secondsPerByte: 1 / 1000e9,
      tileM: 64, tileN: 64, computeUnits: 100, residual: 0, points: 9)
    func gemm(blockModel: Bool, store: FP8Scaling, m: Double) -> OperatorEstimate {
      var calibration = Calibration(device: "d", measurements: [], fits: [fit])
      calibration.fp8GEMMScaling = store
      var model = Fixtures.model
      model.fp8BlockSize = blockModel ? 128 : 0
      let cost = CostModel(
        model: model, device: Fixtures.device,
        precision: Precision(weights: .fp8, activations: .fp8, kvCache: .bf16),
        tensorGroup: Fixtures.group(1, .ringOnly), calibration: calibration)
      return cost.gemmKernel(m: m, n: 4096, k: 4096, mode: .eager)
    }
    // Compute-bound (8,192 rows: 8,192 tiles, 82 waves, 550 us against 151 us
    // of traffic): a per-tensor model's GEMM computes 1.15 times as fast.
    let flops = 82.0 * 100 * 2 * 64 * 64 * 4096
    let compute = flops / 500e12
    let block = gemm(blockModel: true, store: .block, m: 8192)
    let tensor = gemm(blockModel: false, store: .block, m: 8192)
    #expect(close(block.seconds, 5e-6 + compute, 1e-9))
    #expect(close(tensor.seconds, 5e-6 + compute / CostModel.perTensorFP8Speedup, 1e-9))
    #expect(tensor.flops == block.flops && tensor.flops == 2 * 8192 * 4096 * 4096)
    // A store timed per tensor prices a block-scaled GEMM the other way round.
    let slower = gemm(blockModel: true, store: .tensor, m: 8192)
    #expect(close(slower.seconds, 5e-6 + compute * CostModel.perTensorFP8Speedup, 1e-9))
    #expect(gemm(blockModel: false, store: .tensor, m: 8192) == block)
    // Memory-bound (16 rows): the weights' read, whatever the scaling.
    #expect(gemm(blockModel: false, store: .block, m: 16) == gemm(blockModel: true, store: .block, m: 16))
  }

  @Test func attentionLooksUpItsFamilyByHeadsPerRank() {
    // Decode attention measured for the fixture's layout (8 heads, 2 KV heads, 128).
    var rows = [KernelMeasurement]()
    for context in [1000, 4000, 16000] {
      rows.append(
        measurement(
          .attentionDecode, OperatorShape(batch: 1, heads: 8, kvHeads: 2, headDim: 128, kvTokens: context),
          us: Double(context) / 100))
    }
    let cost = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(1, .ringOnly),
      calibration: Calibration(device: "d", measurements: rows, fits: []))
    var shape = BatchShape()
    shape.addDecode(context: 1000)
    shape.addDecode(context: 1000)
    let e = cost.attentionDecode(shape, mode: .eager)
    #expect(e.sources.dominant == .measured)
    #expect(close(e.seconds, 20e-6, 1e-9))
  }

  @Test func simulationReportsTimeSharesBySource() throws {
    var plan = Fixtures.plan()
    let datasheetOnly = Summary(try Fixtures.run(plan))
    #expect(datasheetOnly.timeShareDatasheet == 1 && datasheetOnly.timeShareMeasured == 0)
    // A fit for every matrix product: part of the time becomes fitted.
    let fit = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 10e-6, secondsPerFlop: 1 / 100e12,
      secondsPerByte: 1 / 1000e9, residual: 0, points: 3)
    plan.calibration = Calibration(device: "round", measurements: [], fits: [fit])
    let calibrated = Summary(try Fixtures.run(plan))
    #expect(calibrated.timeShareFitted > 0.1 && calibrated.timeShareFitted < 1)
    #expect(
      close(
        calibrated.timeShareFitted + calibrated.timeShareDatasheet + calibrated.timeShareMeasured, 1, 1e-9))
  }

  @Test func ownGEMMsSetTheComputeRateAndKeepTheCarriedFloorAndBandwidth() throws {
    let carriedFP8 = OperatorFit(
      op: .gemm, dtype: .fp8, launchSeconds: 3e-6, secondsPerFlop: 1 / 1.4e15, secondsPerByte: 1 / 4e12,
      tileM: 64, tileN: 64, computeUnits: 132, residual: 0.1, points: 9)
    let carriedBF16 = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 6e-6, secondsPerFlop: 1 / 9e14, secondsPerByte: 1 / 4e12,
      tileM: 64, tileN: 64, computeUnits: 132, residual: 0.1, points: 9)
    let shape = OperatorShape(m: 4096, n: 7168, k: 2048)
    let base = Calibration(
      device: "carried",
      measurements: [
        measurement(.gemm, shape, us: 50, dtype: .fp8),
        measurement(.gemm, OperatorShape(m: 8192, n: 7168, k: 2048), us: 100, dtype: .fp8),
      ],
      fits: [carriedFP8, carriedBF16])
    let ownFP8 = OperatorFit(
      op: .gemm, dtype: .fp8, launchSeconds: 2e-6, secondsPerFlop: 1 / 7.9e14, secondsPerByte: 1 / 1.5e12,
      tileM: 128, tileN: 128, computeUnits: 304, residual: 0.2, points: 59)
    let own = Calibration(device: "own", measurements: [], fits: [ownFP8])
    let merged = base.withComputeRates(of: own)
    let fp8 = try #require(merged.fit(.gemm, dtype: .fp8))
    #expect(fp8.secondsPerFlop == ownFP8.secondsPerFlop)
    #expect(fp8.tileM == 128 && fp8.tileN == 128 && fp8.computeUnits == 304)
    #expect(fp8.launchSeconds == carriedFP8.launchSeconds && fp8.secondsPerByte == carriedFP8.secondsPerByte)
    #expect(merged.fit(.gemm, dtype: .bf16) == carriedBF16)
    // The carried device's fp8 curve is dropped: the fit alone prices it.
    let family = MeasurementTable.Family(.gemm, dtype: .fp8, shape: shape)
    let work = OperatorWork(.gemm, shape: shape, dtype: .fp8, kvDType: .fp8)
    let priced = try #require(merged.seconds(family, work: work, m: 4096, n: 7168, k: 2048))
    #expect(priced.source == .fitted)
    #expect(close(priced.seconds, fp8.seconds(work, m: 4096, n: 7168, k: 2048)))
    #expect(try #require(base.seconds(family, work: work, m: 4096, n: 7168, k: 2048)).source == .measured)
    // A store without a matrix-product fit changes nothing.
    #expect(base.withComputeRates(of: Calibration(device: "none", measurements: [], fits: [])) == base)
  }

  @Test func aSplitKKernelSpreadsFewTilesOverTheUnits() {
    // 12 output tiles of 64 × 128 on 256 units: split 14 ways (at most
    // 256 / 12 = 21), each of k / 14; one wave either way.
    let plain = OperatorFit.quantisedFlops(m: 16, n: 1536, k: 7168, tileM: 64, tileN: 128, units: 256)
    let split = OperatorFit.quantisedFlops(
      m: 16, n: 1536, k: 7168, tileM: 64, tileN: 128, units: 256, maxSplitK: 14)
    #expect(close(plain, 256 * 2 * 64 * 128 * 7168))
    #expect(close(plain / split, 14))
    // Few units per tile: split only as far as the units go (256 / 96 = 2).
    let two = OperatorFit.quantisedFlops(
      m: 64, n: 12288, k: 7168, tileM: 64, tileN: 128, units: 256, maxSplitK: 14)
    #expect(close(two, 256 * 2 * 64 * 128 * 7168 / 2))
    // As many tiles as units or more: no split.
    #expect(
      OperatorFit.quantisedFlops(m: 8192, n: 7168, k: 2048, tileM: 64, tileN: 128, units: 256, maxSplitK: 14)
        == OperatorFit.quantisedFlops(m: 8192, n: 7168, k: 2048, tileM: 64, tileN: 128, units: 256))
  }
}

struct CalibrationTransferTests {
  @Test func fitsMoveWithTheDatasheetRatiosAndMeasurementsKeepTheirShape() throws {
    var source = Fixtures.device
    source.memoryBandwidthGBps = 1000
    var target = source
    target.memoryBandwidthGBps = 1500
    target.peakTFLOPS[.bf16] = 200
    let kernel = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 2e-6, secondsPerFlop: 1e-14, secondsPerByte: 1e-12,
      residual: 0, points: 4)
    let collective = OperatorFit(
      op: .allReduce, dtype: nil, ranks: 8, launchSeconds: 10e-6, secondsPerFlop: 0,
      secondsPerByte: 3e-12, residual: 0, points: 4)
    let measured = KernelMeasurement(
      device: "src", backend: "test", backendVersion: "1", op: .gemm, dtype: .bf16,
      shape: OperatorShape(m: 16, n: 1024, k: 1024), medianUs: 9, spreadUs: 0, repeats: 1,
      measuredAt: "2026-11-30", host: "test")
    let calibration = Calibration(device: "src", measurements: [measured], fits: [kernel, collective])
    let moved = calibration.transferred(from: source, to: target)
    #expect(moved.measuredElsewhere && moved.device == target.name)
    let gemm = moved.fit(.gemm, dtype: .bf16)
    #expect(gemm?.launchSeconds == 2e-6)
    #expect(abs((gemm?.secondsPerByte ?? 0) - 1e-12 / 1.5) < 1e-24)
    #expect(abs((gemm?.secondsPerFlop ?? 0) - 1e-14 / 2) < 1e-26)
    #expect(moved.fit(.allReduce, dtype: .bf16, ranks: 8) == collective)
    // The measured point keeps its ratio to the source's fit (9 us against
    // the source fit's time) and scales the carried fit by it; it is
    // reported as fitted, not measured.
    let work = OperatorWork(.gemm, shape: measured.shape, dtype: .bf16, kvDType: .bf16)
    let family = MeasurementTable.Family(.gemm, dtype: .bf16, shape: measured.shape)
    let sourceFit = kernel.seconds(work, m: 16, n: 1024, k: 1024)
    let movedFit = try #require(gemm).seconds(work, m: 16, n: 1024, k: 1024)
    let priced = try #require(moved.seconds(family, work: work, m: 16, n: 1024, k: 1024))
    #expect(priced.source == .fitted)
    #expect(abs(priced.seconds - 9e-6 / sourceFit * movedFit) < 1e-12)
  }

  /// NVFP4 GEMMs on a target with NVFP4 tensor cores take the carried fp8
  /// fit at the fp4/fp8 peak ratio (the same fraction of their peak), not
  /// the datasheet roofline; MXFP4 and devices without fp4 get none.
  @Test func nvfp4GEMMsFollowTheCarriedFP8FitAtTheirPeakRatio() throws {
    var source = Fixtures.device
    source.peakTFLOPS[.fp8] = 100
    var target = source
    target.peakTFLOPS[.fp8] = 200
    target.peakTFLOPS[.fp4] = 400
    target.peakTFLOPS[.mxfp4] = 400
    let fp8 = OperatorFit(
      op: .gemm, dtype: .fp8, launchSeconds: 3e-6, secondsPerFlop: 1e-14, secondsPerByte: 1e-12,
      tileM: 128, tileN: 128, computeUnits: 100, residual: 0, points: 4)
    let calibration = Calibration(device: "src", measurements: [], fits: [fp8])
    let moved = calibration.transferred(from: source, to: target)
    let carried = try #require(moved.fit(.gemm, dtype: .fp8))
    let fp4 = try #require(moved.fit(.gemm, dtype: .fp4))
    #expect(abs(fp4.secondsPerFlop - carried.secondsPerFlop / 2) < 1e-27)
    #expect(fp4.launchSeconds == carried.launchSeconds && fp4.secondsPerByte == carried.secondsPerByte)
    #expect(fp4.tileM == 128 && fp4.computeUnits == 100)
    #expect(moved.fit(.gemm, dtype: .mxfp4) == nil)
    var hopper = target
    hopper.peakTFLOPS[.fp4] = nil
    #expect(calibration.transferred(from: source, to: hopper).fit(.gemm, dtype: .fp4) == nil)
  }
}
