import Foundation
import ServeSim
import Yams

/// The top-level object of a `config.json`, with located errors.
struct JSONConfig {
  let file: YAMLFile
  let mapping: Node.Mapping

  init(_ file: YAMLFile) throws(ConfigError) {
    self.file = file
    guard let mapping = file.root.mapping else {
      throw ConfigError(
        file: file.path, line: file.root.mark?.line, keyPath: nil,
        message: "expected a JSON object (a Hugging Face config.json)")
    }
    self.mapping = mapping
  }

  /// The model's name: `_name_or_path`'s last part, else the file's folder
  /// (for `.../NAME/config.json`) or the file name without `.json`.
  var name: String {
    if let given = entry("_name_or_path")?.string, !given.isEmpty {
      return String(given.split(separator: "/").last ?? Substring(given))
    }
    let url = URL(fileURLWithPath: file.path)
    if url.lastPathComponent.lowercased() == "config.json" {
      let folder = url.deletingLastPathComponent().lastPathComponent
      if !folder.isEmpty && folder != "/" && folder != "." { return folder }
    }
    let stem = url.deletingPathExtension().lastPathComponent
    return stem.hasSuffix(".config") ? String(stem.dropLast(7)) : stem
  }

  func fail(_ key: String, _ message: String) -> ConfigError {
    ConfigError(
      file: file.path, line: mapping[key]?.mark?.line ?? file.root.mark?.line, keyPath: key,
      message: message)
  }

  func has(_ key: String) -> Bool { mapping[key] != nil }

  /// The value at `key`, noted as read in the file's log.
  func entry(_ key: String) -> Node? {
    file.log?.key(key, in: file.path)
    return mapping[key]
  }

  func isNull(_ key: String) -> Bool {
    guard let node = mapping[key] else { return false }
    return node.null != nil
  }

  /// The architecture family, from `architectures[0]`, else `model_type`.
  func family() throws(ConfigError) -> HFConfig.Family {
    let supported = HFConfig.architectures.map(\.0).joined(separator: ", ")
    if let list = entry("architectures") {
      guard case .sequence(let items) = list, let first = items.first?.string else {
        throw fail("architectures", "expected a list of class names like [\"LlamaForCausalLM\"]")
      }
      guard let match = HFConfig.architectures.first(where: { $0.0 == first }) else {
        throw fail("architectures", "architecture '\(first)' is not supported; supported: \(supported)")
      }
      return match.2
    }
    guard let type = entry("model_type")?.string else {
      throw ConfigError(
        file: file.path, line: file.root.mark?.line, keyPath: "architectures",
        message: "no 'architectures' or 'model_type': is this a Hugging Face config.json?")
    }
    guard let match = HFConfig.architectures.first(where: { $0.1 == type }) else {
      throw fail("model_type", "model type '\(type)' is not supported; supported: \(supported)")
    }
    return match.2
  }

  func int(_ key: String, min lower: Int, max upper: Int) throws(ConfigError) -> Int {
    guard let node = entry(key), node.null == nil else {
      throw ConfigError(
        file: file.path, line: file.root.mark?.line, keyPath: key,
        message: "missing required key '\(key)'")
    }
    guard case .scalar(let scalar) = node else {
      throw fail(key, "expected a whole number, found \(NodeReader.describe(node))")
    }
    guard let value = node.int ?? Int(scalar.string) else {
      throw fail(key, "expected a whole number, found '\(scalar.string)'")
    }
    if value < lower || value > upper {
      throw fail(key, "\(value) is out of range; valid: \(lower)...\(upper)")
    }
    return value
  }

  func int(_ key: String, default value: Int, min lower: Int, max upper: Int) throws(ConfigError)
    -> Int
  {
    has(key) && !isNull(key) ? try int(key, min: lower, max: upper) : value
  }

  func bool(_ key: String, default value: Bool) throws(ConfigError) -> Bool {
    guard let node = entry(key), node.null == nil else { return value }
    guard let flag = node.bool else {
      throw fail(key, "expected true or false, found \(NodeReader.describe(node))")
    }
    return flag
  }

  /// The activation group width of a block-scaled fp8 checkpoint:
  /// `quantization_config.weight_block_size`'s last entry when the method is
  /// fp8, else 0 (per-tensor scales or not fp8).
  func fp8BlockSize() throws(ConfigError) -> Int {
    guard let node = entry("quantization_config"), let q = node.mapping,
      q["quant_method"]?.string == "fp8", let sizes = q["weight_block_size"]?.sequence
    else { return 0 }
    guard let last = sizes.last?.int, last > 0 else {
      throw fail("quantization_config", "weight_block_size must list positive whole numbers")
    }
    return last
  }

  /// A list of whole numbers (empty when the key is absent or null).
  func intList(_ key: String) throws(ConfigError) -> [Int] {
    guard let node = entry(key), node.null == nil else { return [] }
    guard case .sequence(let items) = node else {
      throw fail(key, "expected a list of layer indices, found \(NodeReader.describe(node))")
    }
    var values = [Int]()
    for item in items {
      guard let value = item.int, value >= 0 else {
        throw fail(key, "'\(item.string ?? "?")' is not a layer index")
      }
      values.append(value)
    }
    return values.sorted()
  }

  /// The MLP activation named at `key` (silu/swish, gelu variants, relu).
  func activation(_ key: String) throws(ConfigError) -> ModelSpec.Activation {
    guard let node = entry(key), node.null == nil else { return .silu }
    guard let name = node.string else {
      throw fail(key, "expected an activation name, found \(NodeReader.describe(node))")
    }
    switch name.lowercased() {
    case "silu", "swish": return .silu
    case "relu": return .relu
    case let other where other.hasPrefix("gelu"): return .gelu
    default:
      throw fail(key, "activation '\(name)' is not modelled; valid: silu, swish, gelu*, relu")
    }
  }
}
