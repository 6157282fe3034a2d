import Foundation
import ServeSim

/// A minimal reader of one-line JSON objects: finds the values of a few keys.
enum JSONLine {
  /// The top-level keys of the object on `line` (empty when it is not one).
  static func keys(_ line: ArraySlice<UInt8>) -> [String] {
    var found = [String]()
    _ = scan(line) { key, _ in found.append(key) }
    return found
  }

  /// The raw text of the values at `keys` (numbers, or strings without quotes).
  ///
  /// - Returns: a description of the problem when the line is not a JSON object.
  static func values(_ line: ArraySlice<UInt8>, keys: [String], into found: inout [Substring?])
    -> String?
  {
    var result = found
    let problem = scan(line) { key, value in
      if let i = keys.firstIndex(of: key), result[i] == nil { result[i] = value() }
    }
    found = result
    return problem
  }

  /// Walks the object's top-level members, calling `member` with each key and
  /// a closure that returns its value's text (scalars only).
  static func scan(_ line: ArraySlice<UInt8>, _ member: (String, () -> Substring) -> Void) -> String? {
    let b = Array(line)
    var i = 0
    func skipSpace() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 13 || b[i] == 10 { i += 1 } }
    /// Skips a string starting at the quote; false when unterminated.
    func skipString() -> Bool {
      i += 1
      while i < b.count {
        if b[i] == 92 {
          i += 2
          continue
        }
        if b[i] == 34 {
          i += 1
          return true
        }
        i += 1
      }
      return false
    }
    skipSpace()
    guard i < b.count, b[i] == 123 else { return "it does not start with '{'" }
    i += 1
    skipSpace()
    if i < b.count, b[i] == 125 { return nil }
    while true {
      skipSpace()
      guard i < b.count, b[i] == 34 else { return "expected a quoted key at column \(i + 1)" }
      let keyStart = i + 1
      guard skipString() else { return "unterminated string" }
      let key = String(decoding: b[keyStart..<(i - 1)], as: UTF8.self)
      skipSpace()
      guard i < b.count, b[i] == 58 else { return "expected ':' after \"\(key)\"" }
      i += 1
      skipSpace()
      guard i < b.count else { return "no value for \"\(key)\"" }
      let valueStart = i
      var valueRange = valueStart..<valueStart
      if b[i] == 34 {
        guard skipString() else { return "unterminated string" }
        valueRange = (valueStart + 1)..<(i - 1)
      } else if b[i] == 123 || b[i] == 91 {
        var depth = 0
        while i < b.count {
          let c = b[i]
          if c == 34 {
            guard skipString() else { return "unterminated string" }
            continue
          }
          if c == 123 || c == 91 { depth += 1 }
          if c == 125 || c == 93 {
            depth -= 1
            if depth == 0 {
              i += 1
              break
            }
          }
          i += 1
        }
        if depth != 0 { return "unbalanced brackets in \"\(key)\"" }
        valueRange = valueStart..<i
      } else {
        while i < b.count, b[i] != 44, b[i] != 125, b[i] != 32, b[i] != 9 { i += 1 }
        valueRange = valueStart..<i
        if valueRange.isEmpty { return "no value for \"\(key)\"" }
      }
      let range = valueRange
      member(key) { Substring(String(decoding: b[range], as: UTF8.self)) }
      skipSpace()
      guard i < b.count else { return "unterminated object" }
      if b[i] == 44 {
        i += 1
        continue
      }
      if b[i] == 125 {
        i += 1
        skipSpace()
        return i == b.count ? nil : "text after the closing '}'"
      }
      return "expected ',' or '}' at column \(i + 1)"
    }
  }
}
