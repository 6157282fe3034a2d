extension Calibration {
  /// This calibration's fitted model carried over to another device of the
  /// same architecture (an H100's fits for an H200: the same SMs and tensor
  /// cores, more and faster memory): each kernel fit's achieved bandwidth
  /// scales by the ratio of datasheet memory bandwidths and its achieved
  /// compute rate by the ratio of achieved peaks in its format (dense peak
  /// × `efficiency.compute` of each device: the plain peak ratio where the
  /// target's efficiency is the measured device's, as for an H200); launch floors,
  /// tiles and collective fits (the links, not the device) are kept.
  /// The measurements stay as shapes of the fitted curve: where they cover
  /// an operator, their measured/fitted ratio on the measured device (wave
  /// and tile effects, kernel floors) scales the carried fit's time, and the
  /// source is `.fitted` (nothing was measured on this device).
  ///
  /// Collective fits and measurements describe the links of the cluster
  /// they were timed on (an H100 DGX's NVLink 4 and NVSwitch): they are
  /// carried only with `collectives` (an H200 on the same NVLink
  /// generation); without it the target's collectives fall to the alpha–beta
  /// model of its cluster's links (a B200's NVLink 5, an MI300X's Infinity
  /// Fabric mesh).
  ///
  /// - Parameters:
  ///   - measured: the device the calibration was made on.
  ///   - target: the device to price.
  ///   - collectives: whether the collective fits and measurements come along.
  /// - Returns: a calibration that answers with `.fitted` times.
  public func transferred(from measured: DeviceSpec, to target: DeviceSpec, collectives: Bool = true)
    -> Calibration
  {
    let bandwidth = target.memoryBandwidthGBps / measured.memoryBandwidthGBps
    let moved = fits.map { fit -> OperatorFit in
      guard fit.op.family != .collective else { return fit }
      var f = fit
      f.secondsPerByte /= bandwidth
      let dtype = fit.dtype ?? .bf16
      if let from = measured.peakTFLOPS[dtype], let to = target.peakTFLOPS[dtype], from > 0,
        measured.computeEfficiency > 0
      {
        f.secondsPerFlop /= to * target.computeEfficiency / (from * measured.computeEfficiency)
      }
      return f
    }
    let fits = moved + Self.nvfp4Fits(from: moved, on: target)
    return Calibration(
      carrying: self, to: target.name,
      fits: collectives ? fits : fits.filter { $0.op.family != .collective }, collectives: collectives)
  }

  /// Matrix-product fits for NVFP4 when the target has NVFP4 tensor cores
  /// and the calibration no fit of that format: each fp8 matrix fit, already
  /// carried, with its achieved compute rate scaled by the target's NVFP4
  /// over fp8 dense peak (a B200's 9,000 over 4,500 TFLOPS, NVIDIA HGX B200
  /// datasheet). A block-scaled NVFP4 GEMM (16 E2M1 values per E4M3 scale,
  /// `DType.fp4`) thus reaches the fraction of its peak that the fp8 GEMM
  /// reaches of its own, with the same launch floor, tile and wave
  /// quantisation, its bytes the format's own (block scales included) over
  /// the carried bandwidth. The datasheet roofline it replaces
  /// (`efficiency.compute` of the fp4 peak, no tiles) priced a B200 GEMM
  /// of m = 8,192 at 2.8 times the carried fp8 fit's rate where the peaks
  /// differ by 2, and TensorRT-LLM's NVFP4 offline throughput came out
  /// 30-50% high on dense models (validation/trtllm_perf_overview.csv).
  /// MXFP4 keeps the datasheet roofline: its rows (SGLang on MI355X) show
  /// no such excess.
  static func nvfp4Fits(from fits: [OperatorFit], on target: DeviceSpec) -> [OperatorFit] {
    guard let fp8 = target.peakTFLOPS[.fp8], fp8 > 0, let fp4 = target.peakTFLOPS[.fp4], fp4 > 0,
      !fits.contains(where: { $0.dtype == .fp4 })
    else { return [] }
    return fits.filter { $0.op.family == .matmul && $0.dtype == .fp8 }.map { fit in
      var f = fit
      f.dtype = .fp4
      f.secondsPerFlop *= fp8 / fp4
      return f
    }
  }
}
