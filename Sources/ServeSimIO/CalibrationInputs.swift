import ServeSim

/// Device and cluster files for the calibration commands (`servesim cost`).
public enum CalibrationInputs {
  /// Loads a device file (`clusters/devices/*.yaml`).
  public static func device(path: String) throws(ConfigError) -> DeviceSpec {
    try SpecDecoders.device(try YAMLFile(path: path, referencedBy: nil))
  }

  /// Loads a model file (`models/*.yaml`).
  public static func model(path: String) throws(ConfigError) -> ModelSpec {
    try SpecDecoders.model(try YAMLFile(path: path, referencedBy: nil))
  }

  /// Loads a cluster file (`clusters/*.yaml`) and the device file it names.
  public static func cluster(path: String) throws(ConfigError) -> ClusterSpec {
    try SpecDecoders.cluster(try YAMLFile(path: path, referencedBy: nil), overrides: [])
  }

  /// The device file under `root` (in `clusters/devices`) whose device is the
  /// one named `name` (a calibration store's device, such as "h100"; matched
  /// as `CalibrationStore.matching` does), or nil unless exactly one matches.
  public static func device(matching name: String, root: String) -> DeviceSpec? {
    let specs = Catalog.entries(.devices, root: root).filter(\.isValid).compactMap {
      try? device(path: $0.file)
    }
    let names = CalibrationStore.matching(name, in: specs.map(\.name))
    guard names.count == 1 else { return nil }
    return specs.first { $0.name == names[0] }
  }
}
