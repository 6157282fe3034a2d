import Foundation
import ServeSim

/// Reads request traces and length columns from CSV files with a header row.
///
/// Replayed traces come in the layouts `TraceFormat` lists (Vidur, Azure,
/// APEX, Mooncake, BurstGPT), read line by line (TraceFormats.swift); length
/// columns come from any CSV with named numeric columns (`distribution: trace`).
public enum TraceReader {
  /// The values of one named integer column.
  public static func column(_ name: String, file: String) throws(ConfigError) -> [Int32] {
    var tables = [String: CSVTable]()
    return try column(name, file: file, tables: &tables)
  }

  /// The values of one named integer column, parsing each file once per `tables`.
  static func column(_ name: String, file: String, tables: inout [String: CSVTable])
    throws(ConfigError) -> [Int32]
  {
    let table: CSVTable
    if let parsed = tables[file] {
      table = parsed
    } else {
      table = try CSVTable(file: file)
      tables[file] = table
    }
    guard let index = table.header.firstIndex(of: name) else {
      throw ConfigError(
        file: file, line: 1, keyPath: nil,
        message: "no column '\(name)'; columns: \(table.header.joined(separator: ", "))")
    }
    var values = [Int32]()
    values.reserveCapacity(table.rows.count)
    for (line, fields) in table.rows {
      values.append(try table.int(fields, index, line: line, name: name))
    }
    if values.isEmpty {
      throw ConfigError(file: file, line: nil, keyPath: nil, message: "the trace has no rows")
    }
    return values
  }

  /// A replayable trace: arrival times and token counts, in any format
  /// `TraceFormat` names (detected from the header or first line).
  public static func records(file: String) throws(ConfigError) -> TraceRecords {
    try records(file: file, format: nil)
  }
}

/// A small CSV table: a header and rows of unquoted fields.
struct CSVTable {
  let file: String
  let header: [String]
  /// (1-based line, fields) per data row.
  let rows: [(Int, [String])]

  init(file: String) throws(ConfigError) {
    self.file = file
    let text: String
    do {
      text = try String(contentsOfFile: file, encoding: .utf8)
    } catch {
      throw ConfigError(
        file: file, line: nil, keyPath: nil, message: "cannot read trace: \(YAMLFile.reason(file))")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while let last = lines.last, Self.trim(last).isEmpty {
      lines.removeLast()
    }
    guard let first = lines.first else {
      throw ConfigError(file: file, line: 1, keyPath: nil, message: "the file is empty")
    }
    header = first.split(separator: ",", omittingEmptySubsequences: false).map(Self.trim)
    var rows = [(Int, [String])]()
    rows.reserveCapacity(lines.count)
    for (offset, line) in lines.enumerated().dropFirst() {
      rows.append(
        (
          offset + 1,
          line.split(separator: ",", omittingEmptySubsequences: false).map(Self.trim)
        ))
    }
    self.rows = rows
  }

  /// A field without surrounding ASCII blanks (spaces, tabs, CR, LF); faster
  /// than Foundation's trimming for the hundreds of thousands of fields of a trace.
  static func trim(_ field: Substring) -> String {
    let utf8 = field.utf8
    var start = utf8.startIndex
    var end = utf8.endIndex
    func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
    while start < end, blank(utf8[start]) { start = utf8.index(after: start) }
    while end > start, blank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
    return String(decoding: utf8[start..<end], as: UTF8.self)
  }

  func int(_ fields: [String], _ index: Int, line: Int, name: String) throws(ConfigError) -> Int32 {
    guard index < fields.count else {
      throw ConfigError(file: file, line: line, keyPath: nil, message: "row has no '\(name)' field")
    }
    let text = fields[index]
    if let value = Int32(text), value >= 1 { return value }
    if let value = Double(text), value.isFinite, value >= 1, value < 2e9, value == value.rounded() {
      return Int32(value)
    }
    throw ConfigError(
      file: file, line: line, keyPath: nil,
      message: "'\(name)' must be a whole number of tokens, 1 or more; found '\(text)'")
  }
}
