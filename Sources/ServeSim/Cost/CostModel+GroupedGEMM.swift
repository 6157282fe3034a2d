/// One matrix-product kernel, plain or grouped (MoE experts), without the
/// fp8 quantisation of its input: what a kernel table such as DeepGEMM's times.
extension CostModel {
  /// The GEMM kernel of `groups` experts, each `m` rows by its own `n`×`k`
  /// weight (1: a plain product of `m` rows), in the given launch mode.
  ///
  /// A plain product is the kernel of `gemm(m:n:k:mode:)` (measured, fitted
  /// or roofline); where the calibration's fp8 fits were measured on the
  /// other scaling (`FP8Scaling`), its compute is charged at
  /// `fp8ComputeSpeedup` (the FLOPs reported stay the product's). A grouped
  /// one (fused MoE kernels, not the dense kernels the fits describe,
  /// whatever their scaling) is priced as
  /// `expertGEMMs` prices each of its projections: DeepGEMM's grouped
  /// contiguous layout (MoE prefill) and masked layout (MoE decode) both run
  /// the experts' rows as one tile grid over the stacked weights, so the
  /// calibration's fitted GEMM model takes m rows per expert by n·groups
  /// outputs, and dense measurements are not used (they do not describe a
  /// grouped kernel's weight traffic).
  public func gemmKernel(m: Double, n: Double, k: Double, groups: Int = 1, mode: LaunchMode)
    -> OperatorEstimate
  {
    guard m > 0 else { return .zero }
    let x = Double(max(groups, 1))
    let rows = m * x
    let flops = 2 * rows * n * k
    let bytes = x * n * k * weightBytes + rows * (n + k) * activationBytes
    let time = max(flops / matmulFlopsPerSecond, bytes / bytesPerSecond)
    return product(
      n: n, k: k, flops: flops, bytes: bytes, rows: rows, tile: (m: m, n: n * x),
      slowdown: groups <= 1 ? 1 / fp8ComputeSpeedup : 1, roofline: time, mode: mode, measured: groups <= 1)
  }

  /// A matrix product of `n` × `k` weights priced from the calibration (else
  /// `roofline`), its compute charged `slowdown` times the fit's
  /// (`fp8ComputeSpeedup`, `fusedMoEComputeShare`; bytes and launch as
  /// fitted) over the tile grid `tile`; the FLOPs reported stay `flops`.
  func product(
    n: Double, k: Double, flops: Double, bytes: Double, rows: Double, tile: (m: Double, n: Double),
    slowdown: Double, roofline: Double, mode: LaunchMode, measured: Bool
  ) -> OperatorEstimate {
    var product = priced(
      MeasurementTable.Family(op: .gemm, dtype: gemmDType, a: Int(n), b: Int(k)),
      work: OperatorWork(flops: flops * slowdown, bytes: bytes, size: rows), m: tile.m, n: tile.n,
      k: k * slowdown, roofline: roofline, mode: mode, measured: measured)
    product.flops = flops
    return product
  }
}
