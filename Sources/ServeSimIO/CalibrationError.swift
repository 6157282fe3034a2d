/// A problem with a calibration store or a profile file: where it is and what
/// was wrong.
public enum CalibrationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The store could not be opened, migrated, read or written.
  case store(path: String, message: String)
  /// A file being imported or priced is malformed (1-based line and column).
  case badInput(file: String, line: Int?, column: String?, message: String)
  /// The store holds no measurements for the device asked for.
  case noDevice(path: String, wanted: String, available: [String])
  /// Several devices of the store match the device asked for.
  case ambiguousDevice(path: String, wanted: String, matches: [String])

  public var description: String {
    switch self {
    case .store(let path, let message):
      return "\(path): calibration store: \(message)"
    case .badInput(let file, let line, let column, let message):
      var text = file
      if let line { text += ":\(line)" }
      text += ": "
      if let column { text += "column '\(column)': " }
      return text + message
    case .noDevice(let path, let wanted, let available):
      let list = available.isEmpty ? "it is empty" : "it holds " + available.joined(separator: ", ")
      return "\(path): no measurements for device '\(wanted)'; \(list) (choose one with --calibration-device)"
    case .ambiguousDevice(let path, let wanted, let matches):
      return
        "\(path): several devices match '\(wanted)': \(matches.joined(separator: ", ")); choose one with --calibration-device"
    }
  }

  /// Whether the problem is in the user's input (exit status 64) rather than
  /// in running (1).
  public var isBadInput: Bool {
    switch self {
    case .store: false
    case .badInput, .noDevice, .ambiguousDevice: true
    }
  }
}
