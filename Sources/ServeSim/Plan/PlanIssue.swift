/// A problem with a plan's inputs: where it is and what would be valid.
public struct PlanIssue: Sendable, Equatable, CustomStringConvertible {
  public var file: PlanFile
  /// Dotted key path inside that file (`parallelism.tensor`).
  public var keyPath: String
  public var message: String

  public init(_ file: PlanFile, _ keyPath: String, _ message: String) {
    self.file = file
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String { "\(file.rawValue) key '\(keyPath)': \(message)" }
}
