import ServeSim

extension InputLoader {
  /// Reads a plan's `calibration:` key (see `SpecDecoders.calibration`); a
  /// search file gives it per cluster.
  ///
  /// - Returns: the calibration and the store's absolute path.
  func calibration(_ r: NodeReader, device: DeviceSpec) throws(ConfigError)
    -> (calibration: Calibration, store: String)
  {
    let (calibration, path) = try SpecDecoders.calibration(r, file: file, device: device)
    return (calibration, Self.absolute(path))
  }
}
