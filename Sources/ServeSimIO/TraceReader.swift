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
    for row in table.rows {
      let text = table.field(row, index)
      guard let value = tokenCount(text[...], lowest: 1) else {
        throw ConfigError(
          file: file, line: row.line, keyPath: nil,
          message: "'\(name)' must be a whole number of tokens, 1 or more; found '\(text)'")
      }
      values.append(value)
    }
    if values.isEmpty {
      throw ConfigError(file: file, line: nil, keyPath: nil, message: "the trace has no rows")
    }
    return values
  }

  /// A token count written as a whole number (`12` or `12.0`) from `lowest`
  /// to 2^31 − 1, or nil when `text` is not one.
  static func tokenCount(_ text: Substring, lowest: Int32) -> Int32? {
    if let value = Int32(text), value >= lowest { return value }
    if let value = Double(text), value.isFinite, value >= Double(lowest), value < 2e9,
      value == value.rounded()
    {
      return Int32(value)
    }
    return nil
  }

  /// A replayable trace: arrival times and token counts, in any format
  /// `TraceFormat` names (detected from the header or first line).
  public static func records(file: String) throws(ConfigError) -> TraceRecords {
    try records(file: file, format: nil)
  }
}
