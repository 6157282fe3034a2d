extension Calibration {
  /// This calibration's fitted model carried over to another device of the
  /// same architecture (an H100's fits for an H200: the same SMs and tensor
  /// cores, more and faster memory): each kernel fit's achieved bandwidth
  /// scales by the ratio of datasheet memory bandwidths and its achieved
  /// compute rate by the ratio of dense peaks in its format; launch floors,
  /// tiles and collective fits (the links, not the device) are kept.
  /// Measurements are dropped: they belong to the other device.
  ///
  /// - Parameters:
  ///   - measured: the device the calibration was made on.
  ///   - target: the device to price.
  /// - Returns: a calibration whose best source is `.fitted`.
  public func transferred(from measured: DeviceSpec, to target: DeviceSpec) -> Calibration {
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
    return Calibration(device: target.name, measurements: [], fits: moved, ceiling: .fitted)
  }
}
