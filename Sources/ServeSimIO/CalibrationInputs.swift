import ServeSim

/// Device and cluster files for the calibration commands (`servesim cost`).
public enum CalibrationInputs {
  /// Loads a device file (`clusters/devices/*.yaml`).
  public static func device(path: String) throws(ConfigError) -> DeviceSpec {
    try SpecDecoders.device(try YAMLFile(path: path, referencedBy: nil))
  }

  /// Loads a cluster file (`clusters/*.yaml`) and the device file it names.
  public static func cluster(path: String) throws(ConfigError) -> ClusterSpec {
    try SpecDecoders.cluster(try YAMLFile(path: path, referencedBy: nil), overrides: [])
  }
}
