import Foundation
import ServeSim
import Yams

/// A YAML file read and composed into a node tree, with overrides applied.
struct YAMLFile {
  /// The path as resolved (relative to the working directory or absolute).
  let path: String
  var root: Node
  /// Where the files and keys read and the overrides applied are noted (nil: nowhere).
  let log: ReadLog?

  /// Reads and parses `path`.
  ///
  /// - Parameters:
  ///   - referencedBy: where the path was named (file, line, key), for the
  ///     missing-file message.
  ///   - log: notes this file, the keys its readers read and the overrides applied.
  init(path: String, referencedBy: (file: String, line: Int?, key: String)?, log: ReadLog? = nil)
    throws(ConfigError)
  {
    self.path = path
    self.log = log
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      if let from = referencedBy {
        throw ConfigError(
          file: from.file, line: from.line, keyPath: from.key,
          message:
            "cannot read '\(path)': \(Self.reason(path)); paths are relative to the file that names them"
        )
      }
      throw ConfigError(
        file: path, line: nil, keyPath: nil, message: "cannot read file: \(Self.reason(path))")
    }
    log?.file(path)
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw ConfigError(file: path, line: 1, keyPath: nil, message: "the file is empty")
      }
      root = node
    } catch let error as ConfigError {
      throw error
    } catch let error as YamlError {
      throw Self.syntaxError(error, path: path)
    } catch {
      throw ConfigError(file: path, line: nil, keyPath: nil, message: "YAML error: \(error)")
    }
  }

  static func reason(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      return "no such file"
    }
    return isDirectory.boolValue ? "it is a folder" : "not readable as UTF-8 text"
  }

  static func syntaxError(_ error: YamlError, path: String) -> ConfigError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      var message = "YAML syntax error: \(problem)"
      if let context { message += " \(context.text)" }
      return ConfigError(file: path, line: mark.line, keyPath: nil, message: message)
    default:
      return ConfigError(file: path, line: nil, keyPath: nil, message: "YAML error: \(error)")
    }
  }

  /// The line of the value at a dotted key path, or of its nearest present parent.
  func line(at keyPath: String) -> Int? {
    var node = root
    var line = root.mark?.line
    for key in keyPath.split(separator: ".") {
      guard let next = node[String(key)] else { break }
      node = next
      line = next.mark?.line ?? line
    }
    return line
  }

  /// Resolves a path named inside this file (relative to its folder).
  func resolve(_ relative: String) -> String {
    if relative.hasPrefix("/") { return relative }
    let folder = (path as NSString).deletingLastPathComponent
    return folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
  }

  /// Reads the file named by the string at `key` of `r` (a reader of this
  /// file), noting it in the same log.
  ///
  /// - Parameter keyPath: the key's path for messages (default: `r`'s path to `key`).
  func open(_ r: NodeReader, _ key: String, keyPath: String? = nil) throws(ConfigError) -> YAMLFile {
    try YAMLFile(
      path: resolve(try r.string(key)), referencedBy: (path, r.line(of: key), keyPath ?? r.join(key)),
      log: log)
  }

  /// A reader of the top mapping, whose keys must all be in `allowed`.
  func reader(allowed: [String]) throws(ConfigError) -> NodeReader {
    try NodeReader(root, file: path, allowed: allowed, log: log)
  }

  /// Notes a file this one names that is read by another reader (a trace, a
  /// calibration store), and returns its resolved path.
  func noting(_ relative: String) -> String {
    let resolved = resolve(relative)
    log?.file(resolved)
    return resolved
  }
}

/// A `--set key.path=value` override.
public struct Override: Sendable, Equatable {
  public var path: [String]
  public var value: String
  /// The override as given (`workload.arrival.rate_per_s=8`), for messages.
  public var text: String

  /// Parses `key.path=value`.
  public init(parsing text: String) throws(ConfigError) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
      throw ConfigError(
        file: "--set", line: nil, keyPath: nil,
        message: "'\(text)' is not key.path=value (for example parallelism.tensor=4)")
    }
    self.text = text
    path = text[..<equals].split(separator: ".").map(String.init)
    value = String(text[text.index(after: equals)...])
    if path.isEmpty || path.contains(where: \.isEmpty) {
      throw ConfigError(file: "--set", line: nil, keyPath: nil, message: "'\(text)' has an empty key")
    }
  }

  init(path: [String], value: String, text: String) {
    self.path = path
    self.value = value
    self.text = text
  }

  var valueNode: Node {
    if let first = value.first, first == "{" || first == "[",
      let node = try? Yams.compose(yaml: value)
    {
      return node
    }
    return Node(value)
  }
}

extension YAMLFile {
  /// Applies the overrides meant for this file and returns those meant for the
  /// files it names (keyed by the naming key, with the key removed).
  mutating func apply(_ overrides: [Override], fileKeys: Set<String>) -> [String: [Override]] {
    var routed = [String: [Override]]()
    for override in overrides {
      if override.path.count > 1, fileKeys.contains(override.path[0]) {
        routed[override.path[0], default: []].append(
          Override(path: Array(override.path.dropFirst()), value: override.value, text: override.text))
      } else {
        Self.set(&root, override.path[...], override.valueNode)
        log?.applied(override, to: path)
      }
    }
    return routed
  }

  /// Sets `path` under `node` to `value`. A single value that a longer path
  /// reaches becomes a mapping that keeps it as `name` (`engine: vllm` with
  /// `--set engine.version=0.6` is `{name: vllm, version: "0.6"}`).
  private static func set(_ node: inout Node, _ path: ArraySlice<String>, _ value: Node) {
    guard let key = path.first else { return }
    if path.count == 1 {
      if node.mapping == nil { node = Node([(Node, Node)]()) }
      node[key] = value
      return
    }
    var child = node[key] ?? Node([(Node, Node)]())
    if case .scalar = child {
      child = Node([(Node("name"), child)])
    } else if child.mapping == nil {
      child = Node([(Node, Node)]())
    }
    set(&child, path.dropFirst(), value)
    if node.mapping == nil { node = Node([(Node, Node)]()) }
    node[key] = child
  }
}
