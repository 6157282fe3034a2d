import Foundation

/// What one load of a plan or search file read: every file (the search
/// store fingerprints their bytes), the keys read in each, and the `--set`
/// overrides applied to each, so that an override no decoder read is an
/// error rather than silently ignored.
final class ReadLog {
  /// The files read, in order, each once (as resolved).
  private(set) var files: [String] = []
  /// Dotted key paths read, by file.
  private var keys: [String: Set<String>] = [:]
  /// Overrides applied, with the file they reached (paths relative to it).
  private var applied: [(file: String, override: Override)] = []

  /// Notes that `path` was read.
  func file(_ path: String) {
    if !files.contains(path) { files.append(path) }
  }

  /// Notes that the value at `keyPath` of `file` was read.
  func key(_ keyPath: String, in file: String) {
    keys[file, default: []].insert(keyPath)
  }

  /// Notes that `override` was applied to `file`.
  func applied(_ override: Override, to file: String) {
    applied.append((file, override))
  }

  /// Checks that every override applied was read by a decoder.
  ///
  /// - Throws: `ConfigError` at the file and key of the first override that
  ///   does not apply, naming the keys that do at that level.
  func checkOverrides() throws(ConfigError) {
    for (file, override) in applied {
      let read = keys[file] ?? []
      let keyPath = override.path.joined(separator: ".")
      if read.contains(keyPath) { continue }
      // The deepest part of the path that was read, and the keys read below it.
      var parent = override.path.dropLast()
      while !parent.isEmpty && !read.contains(parent.joined(separator: ".")) { parent = parent.dropLast() }
      let prefix = parent.isEmpty ? "" : parent.joined(separator: ".") + "."
      let valid = read.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains(".") }.sorted()
      throw ConfigError(
        file: file, line: nil, keyPath: keyPath,
        message:
          "--set \(override.text) does not apply: with this file's other keys nothing reads '\(keyPath)'; valid keys here: \(valid.joined(separator: ", "))"
      )
    }
  }
}
