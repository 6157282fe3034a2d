import Foundation
import ServeSim

/// Calibrations already read from stores in this process, by store path,
/// size, modification time and device: a device file names a shipped store
/// of tens of thousands of rows, and a search or a test suite loads the same
/// device file many times.
final class CalibrationCache: @unchecked Sendable {
  static let shared = CalibrationCache()

  private struct Key: Hashable {
    var path: String
    var size: Int
    var modified: Double
    var device: String?
    var spec: String?
  }

  private let lock = NSLock()
  private var entries: [Key: Calibration] = [:]

  /// The calibration of `device` (or the one matching `spec`) in the store
  /// at `path`, read once per version of the file (from its snapshot when
  /// current: `CalibrationSnapshot`).
  func calibration(path: String, device: String?, for spec: DeviceSpec?) throws(CalibrationError)
    -> Calibration
  {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let key = Key(
      path: path, size: (attributes?[.size] as? Int) ?? -1,
      modified: (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1,
      device: device, spec: spec?.name)
    // Held while loading: threads of a search asking for the same store
    // wait for the first one's load instead of repeating it.
    lock.lock()
    defer { lock.unlock() }
    if let cached = entries[key] { return cached }
    let loaded = try CalibrationSnapshot.calibration(path: path, device: device, for: spec)
    entries[key] = loaded
    return loaded
  }
}
