extension Calibration {
  /// This calibration's fitted model carried over to another device of the
  /// same architecture (an H100's fits for an H200: the same SMs and tensor
  /// cores, more and faster memory): each kernel fit's achieved bandwidth
  /// scales by the ratio of datasheet memory bandwidths and its achieved
  /// compute rate by the ratio of dense peaks in its format; launch floors,
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
      if let from = measured.peakTFLOPS[dtype], let to = target.peakTFLOPS[dtype], from > 0 {
        f.secondsPerFlop /= to / from
      }
      return f
    }
    return Calibration(
      carrying: self, to: target.name,
      fits: collectives ? moved : moved.filter { $0.op.family != .collective }, collectives: collectives)
  }
}
