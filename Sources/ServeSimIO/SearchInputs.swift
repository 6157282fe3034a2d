import Foundation

/// What a search's outcomes depend on besides the code: the servesim version,
/// the `--set` overrides and the bytes of every file the search read (search
/// file, models, clusters, devices, workloads, traces, calibration stores).
/// The search store saves them with the outcomes, and `--resume` reuses the
/// outcomes only while they are unchanged.
public struct SearchInputs: Sendable, Equatable, Codable {
  public var version: String
  /// The overrides as given, in order.
  public var overrides: [String]
  /// A hash of each file's bytes (FNV-1a, 64 bits, hexadecimal), by absolute path.
  public var files: [String: String]

  public init(version: String, overrides: [String], files: [String: String]) {
    self.version = version
    self.overrides = overrides
    self.files = files
  }

  /// The inputs of a search that read `paths`, hashing the files now.
  public static func reading(
    _ paths: [String], overrides: [String], version: String = ServeSimVersion.current
  ) -> SearchInputs {
    var files = [String: String]()
    for path in paths { files[path] = hash(path) }
    return SearchInputs(version: version, overrides: overrides, files: files)
  }

  /// The FNV-1a hash of the file's bytes ("unreadable" when it cannot be read).
  static func hash(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
    let value = data.withUnsafeBytes { bytes in
      bytes.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
    return String(value, radix: 16)
  }

  /// What differs from `saved`, one line each: the servesim version, the
  /// overrides, and each file path whose bytes changed, or that is read now
  /// and was not then, or the reverse.
  public func changes(since saved: SearchInputs) -> [String] {
    var out = [String]()
    if version != saved.version {
      out.append("servesim version (results saved by \(saved.version), this is \(version))")
    }
    if overrides != saved.overrides { out.append("--set overrides") }
    for path in Set(files.keys).union(saved.files.keys).sorted() where files[path] != saved.files[path] {
      if saved.files[path] == nil {
        out.append("\(path) (not read before)")
      } else if files[path] == nil {
        out.append("\(path) (no longer read)")
      } else {
        out.append(path)
      }
    }
    return out
  }
}
