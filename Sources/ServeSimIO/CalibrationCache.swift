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
  /// at `path`, read once per version of the file.
  func calibration(path: String, device: String?, for spec: DeviceSpec?) throws(CalibrationError)
    -> Calibration
  {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let key = Key(
      path: path, size: (attributes?[.size] as? Int) ?? -1,
      modified: (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1,
      device: device, spec: spec?.name)
    lock.lock()
    let cached = entries[key]
    lock.unlock()
    if let cached { return cached }
    let loaded = try CalibrationStore.open(existing: path).calibration(device: device, for: spec)
    lock.lock()
    entries[key] = loaded
    lock.unlock()
    return loaded
  }
}
