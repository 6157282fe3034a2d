import Foundation

/// A CSV file read whole: a header row and rows of fields. Every CSV input of
/// servesim is split by it: whole files here (operator lists and exports of
/// `servesim cost` and `profile`, Vidur profiles, length columns of a
/// workload), one line at a time through `fields(_:)` (replayed traces, which
/// are streamed).
///
/// Fields follow RFC 4180: a field that starts with a double quote (after
/// blanks) runs to the closing quote and may hold commas, line breaks and
/// doubled quotes (`""` for `"`); any other field runs to the next comma.
/// Fields are trimmed of spaces, tabs and carriage returns; blank lines are
/// skipped.
struct CSVTable {
  let file: String
  let header: [String]
  /// (1-based line where the record starts, fields) per data row.
  let rows: [(line: Int, fields: [String])]

  /// Reads and splits `file`.
  ///
  /// - Throws: `ConfigError` when the file cannot be read, is empty, or ends
  ///   inside a quoted field.
  init(file: String) throws(ConfigError) {
    let text: String
    do {
      text = try String(contentsOfFile: file, encoding: .utf8)
    } catch {
      throw ConfigError(
        file: file, line: nil, keyPath: nil, message: "cannot read the file: \(YAMLFile.reason(file))")
    }
    try self.init(file: file, text: text)
  }

  /// Splits `text`, the contents of `file`.
  init(file: String, text: String) throws(ConfigError) {
    self.file = file
    var records = [(line: Int, fields: [String])]()
    var pending: (line: Int, text: String)?
    // Split on the bytes: "\r\n" is one Character, so Character-wise splitting misses it.
    let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for (offset, line) in lines.enumerated() {
      var record = Substring(line)
      if record.utf8.last == UInt8(ascii: "\r") { record = Substring(record.utf8.dropLast()) }
      let start: Int
      if let open = pending {
        pending = (open.line, open.text + "\n" + record)
        start = open.line
      } else {
        start = offset + 1
        if Self.trimmed(record).isEmpty { continue }
        pending = (start, String(record))
      }
      guard let whole = pending?.text, !Self.isOpen(whole[...]) else { continue }
      records.append((start, Self.fields(whole[...]).map { String(Self.trimmed($0)) }))
      pending = nil
    }
    if let open = pending {
      throw ConfigError(file: file, line: open.line, keyPath: nil, message: "a quoted field is not closed")
    }
    guard let first = records.first else {
      throw ConfigError(file: file, line: 1, keyPath: nil, message: "the file is empty")
    }
    header = first.fields
    rows = Array(records.dropFirst())
  }

  /// Index of a column, if present.
  func index(_ name: String) -> Int? { header.firstIndex(of: name) }

  /// The field of `row` in column `index` ("" when the row is short).
  func field(_ row: (line: Int, fields: [String]), _ index: Int) -> String {
    index < row.fields.count ? row.fields[index] : ""
  }

  /// Whether `record` ends inside a quoted field (an odd number of quotes:
  /// escaped quotes come in pairs).
  static func isOpen(_ record: Substring) -> Bool {
    var quotes = 0
    for c in record.utf8 where c == UInt8(ascii: "\"") { quotes += 1 }
    return quotes % 2 == 1
  }

  /// The fields of one record, untrimmed (quotes removed from quoted fields).
  static func fields(_ record: Substring) -> [Substring] {
    if !record.utf8.contains(UInt8(ascii: "\"")) {
      return record.split(separator: ",", omittingEmptySubsequences: false)
    }
    var fields = [Substring]()
    var current = ""
    var quoted = false
    var index = record.startIndex
    while index < record.endIndex {
      let c = record[index]
      index = record.index(after: index)
      if quoted {
        if c != "\"" {
          current.append(c)
        } else if index < record.endIndex, record[index] == "\"" {
          current.append(c)
          index = record.index(after: index)
        } else {
          quoted = false
        }
      } else if c == "\"" && trimmed(current[...]).isEmpty {
        current = ""
        quoted = true
      } else if c == "," {
        fields.append(Substring(current))
        current = ""
      } else {
        current.append(c)
      }
    }
    fields.append(Substring(current))
    return fields
  }

  /// The fields of one line of bytes (UTF-8).
  static func fields(_ bytes: ArraySlice<UInt8>) -> [Substring] {
    fields(String(decoding: bytes, as: UTF8.self)[...])
  }

  /// `text` without leading and trailing spaces, tabs and carriage returns.
  static func trimmed(_ text: Substring) -> Substring {
    let bytes = text.utf8
    var start = bytes.startIndex
    var end = bytes.endIndex
    func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }
    while start < end, blank(bytes[start]) { start = bytes.index(after: start) }
    while end > start, blank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
    return text[start..<end]
  }
}
