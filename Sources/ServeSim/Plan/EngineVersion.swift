/// A release number of a serving engine, as `major.minor[.patch]` ("0.8.5",
/// "v0.5.2", "0.6.6.post1": a leading `v` and a suffix after the last
/// number are ignored).
public struct EngineVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  public var patch: Int

  public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
    self.major = major
    self.minor = minor
    self.patch = patch
  }

  /// Reads `text`; nil unless it starts (after an optional `v`) with at
  /// least two dot-separated whole numbers.
  public init?(_ text: String) {
    var rest = Substring(text)
    if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
    var numbers = [Int]()
    for part in rest.split(separator: ".", omittingEmptySubsequences: false).prefix(3) {
      let digits = part.prefix { $0.isASCII && $0.isNumber }
      guard let value = Int(digits) else { break }
      numbers.append(value)
      if digits.count != part.count { break }
    }
    guard numbers.count >= 2 else { return nil }
    self.init(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
  }

  /// The first release number inside `text` ("lmsysorg/sglang:v0.5.2-cu126"
  /// gives 0.5.2), nil when there is none.
  public static func first(in text: String) -> EngineVersion? {
    let characters = Array(text)
    for start in characters.indices where characters[start].isNumber {
      if start > 0 && (characters[start - 1].isNumber || characters[start - 1] == ".") { continue }
      if let version = EngineVersion(String(characters[start...])) { return version }
    }
    return nil
  }

  public static func < (a: EngineVersion, b: EngineVersion) -> Bool {
    (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
  }

  /// "0.8" (the patch only when it is not 0: "0.6.6").
  public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }
}
