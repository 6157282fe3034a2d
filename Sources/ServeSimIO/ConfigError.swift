import ServeSim

/// A problem with an input file or argument: where it is, what was wrong and
/// what would be valid. The command-line tool prints it and exits with status 64.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file (as given or resolved), or "--set" for an override.
  public var file: String
  /// 1-based line, when known.
  public var line: Int?
  /// Dotted key path inside the file, when the problem is at a key.
  public var keyPath: String?
  public var message: String

  public init(file: String, line: Int?, keyPath: String?, message: String) {
    self.file = file
    self.line = line
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    var text = file
    if let line { text += ":\(line)" }
    text += ": "
    if let keyPath, !keyPath.isEmpty { text += "key '\(keyPath)': " }
    return text + message
  }
}

/// The nearest candidate to a misspelt word (Levenshtein distance), if close enough.
func nearest(to word: String, in candidates: [String]) -> String? {
  func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
  let target = Array(word.lowercased())
  var best: (String, Int)?
  for candidate in candidates {
    let d = distance(target, Array(candidate.lowercased()))
    if let current = best, current.1 <= d { continue }
    best = (candidate, d)
  }
  guard let (name, d) = best, d <= max(2, target.count / 3) else { return nil }
  return name
}
