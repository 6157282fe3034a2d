import ServeSim
import Yams

/// Reads one YAML mapping with exact error locations: every problem names the
/// file, the line, the key path, what was wrong and what is valid. Unknown keys
/// are errors with the nearest valid key suggested.
struct NodeReader {
  let file: String
  let mapping: Node.Mapping
  /// Key path of this mapping inside the file ("" at the top).
  let path: String
  let line: Int?
  /// Notes every key read (nil: nowhere).
  let log: ReadLog?

  /// Wraps `node` as a mapping whose keys must all be in `allowed`.
  init(_ node: Node, file: String, path: String = "", allowed: [String], log: ReadLog? = nil)
    throws(ConfigError)
  {
    self.file = file
    self.path = path
    self.log = log
    line = node.mark?.line
    guard let mapping = node.mapping else {
      throw ConfigError(
        file: file, line: node.mark?.line, keyPath: path.isEmpty ? nil : path,
        message:
          "expected a mapping of keys (\(allowed.joined(separator: ", "))), found \(Self.describe(node))"
      )
    }
    self.mapping = mapping
    for (key, _) in mapping {
      let name = key.string ?? ""
      if !allowed.contains(name) {
        var message = "unknown key '\(name)'"
        if let guess = nearest(to: name, in: allowed) { message += "; did you mean '\(guess)'?" }
        message += " Valid keys: \(allowed.joined(separator: ", "))"
        throw ConfigError(file: file, line: key.mark?.line, keyPath: join(name), message: message)
      }
    }
  }

  static func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let s): "'\(s.string)'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }

  func join(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  func has(_ key: String) -> Bool { mapping[key] != nil }

  func node(_ key: String) -> Node? { mapping[key] }

  func fail(_ key: String, _ message: String) -> ConfigError {
    ConfigError(
      file: file, line: mapping[key]?.mark?.line ?? line, keyPath: join(key), message: message)
  }

  func require(_ key: String) throws(ConfigError) -> Node {
    guard let value = mapping[key], value != Node("~"), value.null == nil else {
      throw ConfigError(
        file: file, line: line, keyPath: join(key), message: "missing required key '\(key)'")
    }
    log?.key(join(key), in: file)
    return value
  }

  func scalarText(_ key: String, _ node: Node) throws(ConfigError) -> String {
    guard case .scalar(let scalar) = node else {
      throw fail(key, "expected a single value, found \(Self.describe(node))")
    }
    return scalar.string
  }

  func string(_ key: String) throws(ConfigError) -> String {
    try scalarText(key, try require(key))
  }

  func string(_ key: String, default value: String) throws(ConfigError) -> String {
    has(key) ? try string(key) : value
  }

  func int(_ key: String, min lower: Int? = nil, max upper: Int? = nil) throws(ConfigError) -> Int {
    let node = try require(key)
    let text = try scalarText(key, node)
    guard let value = node.int ?? Int(text) else {
      throw fail(key, "expected a whole number, found '\(text)'")
    }
    if let lower, value < lower {
      throw fail(key, "\(value) is too small; valid: \(lower)\(upper.map { "...\($0)" } ?? " or more")")
    }
    if let upper, value > upper {
      throw fail(key, "\(value) is too large; valid: \(lower.map(String.init) ?? "")...\(upper)")
    }
    return value
  }

  func int(_ key: String, default value: Int, min lower: Int? = nil, max upper: Int? = nil)
    throws(ConfigError) -> Int
  {
    has(key) ? try int(key, min: lower, max: upper) : value
  }

  /// A number; `positive` rejects zero and negatives, `lower`/`upper` bound it.
  func double(
    _ key: String, positive: Bool = false, min lower: Double? = nil, max upper: Double? = nil
  ) throws(ConfigError) -> Double {
    let node = try require(key)
    let text = try scalarText(key, node)
    guard let value = node.float ?? Double(text), value.isFinite else {
      throw fail(key, "expected a number, found '\(text)'")
    }
    if positive && value <= 0 { throw fail(key, "\(text) must be greater than 0") }
    if let lower, value < lower { throw fail(key, "\(text) is below the minimum \(lower)") }
    if let upper, value > upper { throw fail(key, "\(text) is above the maximum \(upper)") }
    return value
  }

  func double(
    _ key: String, default value: Double, positive: Bool = false, min lower: Double? = nil,
    max upper: Double? = nil
  ) throws(ConfigError) -> Double {
    has(key) ? try double(key, positive: positive, min: lower, max: upper) : value
  }

  /// A list of strings; a single value counts as a list of one.
  func stringList(_ key: String) throws(ConfigError) -> [String] {
    let node = try require(key)
    if case .scalar(let s) = node { return [s.string] }
    guard case .sequence(let items) = node else {
      throw fail(key, "expected a list like [a, b], found \(Self.describe(node))")
    }
    var values = [String]()
    for item in items {
      guard case .scalar(let s) = item else {
        throw ConfigError(
          file: file, line: item.mark?.line ?? line, keyPath: join(key),
          message: "expected a single value in the list")
      }
      values.append(s.string)
    }
    return values
  }

  /// A list of choices of an enumeration; a single value counts as a list of one.
  func choiceList<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type)
    throws(ConfigError) -> [T] where T.RawValue == String
  {
    var out = [T]()
    for text in try stringList(key) {
      guard let value = T(rawValue: text) else {
        let valid = T.allCases.map(\.rawValue)
        var message = "'\(text)' is not valid"
        if let guess = nearest(to: text, in: valid) { message += "; did you mean '\(guess)'?" }
        throw fail(key, message + " Valid: \(valid.joined(separator: ", "))")
      }
      out.append(value)
    }
    return out
  }

  /// A list of whole numbers, each at least `lower`.
  func intList(_ key: String, min lower: Int, max upper: Int = 1 << 20) throws(ConfigError) -> [Int] {
    let node = try require(key)
    if case .scalar = node { return [try int(key, min: lower, max: upper)] }
    guard case .sequence(let items) = node else {
      throw fail(key, "expected a list of whole numbers like [40, 40], found \(Self.describe(node))")
    }
    var values = [Int]()
    for item in items {
      guard let value = item.int, value >= lower, value <= upper else {
        throw ConfigError(
          file: file, line: item.mark?.line ?? line, keyPath: join(key),
          message: "'\(item.string ?? "?")' is not a whole number from \(lower) to \(upper)")
      }
      values.append(value)
    }
    return values
  }

  func bool(_ key: String) throws(ConfigError) -> Bool {
    let node = try require(key)
    let text = try scalarText(key, node)
    guard let value = node.bool else { throw fail(key, "expected true or false, found '\(text)'") }
    return value
  }

  func bool(_ key: String, default value: Bool) throws(ConfigError) -> Bool {
    has(key) ? try bool(key) : value
  }

  func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type)
    throws(ConfigError) -> T where T.RawValue == String
  {
    let text = try string(key)
    guard let value = T(rawValue: text) else {
      let valid = T.allCases.map(\.rawValue)
      var message = "'\(text)' is not valid"
      if let guess = nearest(to: text, in: valid) { message += "; did you mean '\(guess)'?" }
      throw fail(key, message + " Valid: \(valid.joined(separator: ", "))")
    }
    return value
  }

  func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, default value: T)
    throws(ConfigError) -> T where T.RawValue == String
  {
    has(key) ? try choice(key, type) : value
  }

  /// A nested mapping at `key`.
  func child(_ key: String, allowed: [String]) throws(ConfigError) -> NodeReader {
    try NodeReader(try require(key), file: file, path: join(key), allowed: allowed, log: log)
  }

  func line(of key: String) -> Int? { mapping[key]?.mark?.line ?? line }

  /// The mapping at item `index` of the list at `key`.
  func item(_ node: Node, of key: String, at index: Int, allowed: [String]) throws(ConfigError) -> NodeReader
  {
    try NodeReader(node, file: file, path: join("\(key)[\(index)]"), allowed: allowed, log: log)
  }
}
