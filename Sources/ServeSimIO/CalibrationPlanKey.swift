import ServeSim

extension InputLoader {
  /// Reads a plan's `calibration:` key: a store path (relative to the plan
  /// file), or `{file: PATH, device: NAME}` to pick a device of a store that
  /// holds several (by default the store's only device, or the one whose name
  /// matches the cluster's device). A search file gives it per cluster.
  ///
  /// - Returns: the calibration and the store's absolute path.
  func calibration(_ r: NodeReader, device: DeviceSpec) throws(ConfigError)
    -> (calibration: Calibration, store: String)
  {
    let key = "calibration"
    var path: String
    var name: String?
    if r.mapping[key]?.scalar != nil {
      path = try r.string(key)
    } else {
      let c = try r.child(key, allowed: ["file", "device"])
      path = try c.string("file")
      if c.has("device") { name = try c.string("device") }
    }
    path = file.noting(path)
    do {
      let calibration = try CalibrationStore.open(existing: path).calibration(device: name, for: device)
      return (calibration, Self.absolute(path))
    } catch {
      throw r.fail(key, error.description)
    }
  }
}
