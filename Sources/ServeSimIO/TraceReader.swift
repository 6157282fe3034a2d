import Foundation
import ServeSim

/// Reads request traces and length columns from CSV files with a header row.
///
/// Accepted layouts: Vidur's processed Azure traces (`arrived_at`,
/// `num_prefill_tokens`, `num_decode_tokens`) and any CSV with named numeric
/// columns (for `distribution: trace`).
public enum TraceReader {
  /// The values of one named integer column.
  public static func column(_ name: String, file: String) throws(ConfigError) -> [Int32] {
    let table = try CSVTable(file: file)
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

  /// A replayable trace: arrival times and token counts.
  public static func records(file: String) throws(ConfigError) -> TraceRecords {
    let table = try CSVTable(file: file)
    let layouts: [(String, String, String)] = [
      ("arrived_at", "num_prefill_tokens", "num_decode_tokens")
    ]
    for (a, i, o) in layouts {
      guard let ai = table.header.firstIndex(of: a), let ii = table.header.firstIndex(of: i),
        let oi = table.header.firstIndex(of: o)
      else { continue }
      var trace = TraceRecords(arrivals: [], inputTokens: [], outputTokens: [])
      trace.arrivals.reserveCapacity(table.rows.count)
      trace.inputTokens.reserveCapacity(table.rows.count)
      trace.outputTokens.reserveCapacity(table.rows.count)
      var previous = -Double.infinity
      for (line, fields) in table.rows {
        guard ai < fields.count, let time = Double(fields[ai]), time.isFinite, time >= 0 else {
          throw ConfigError(
            file: file, line: line, keyPath: nil,
            message: "column '\(a)' must be a time in seconds, 0 or more")
        }
        if time < previous {
          throw ConfigError(
            file: file, line: line, keyPath: nil,
            message: "arrival times must not decrease (\(time) after \(previous))")
        }
        previous = time
        trace.arrivals.append(time)
        trace.inputTokens.append(try table.int(fields, ii, line: line, name: i))
        trace.outputTokens.append(try table.int(fields, oi, line: line, name: o))
      }
      if trace.count == 0 {
        throw ConfigError(file: file, line: nil, keyPath: nil, message: "the trace has no rows")
      }
      return trace
    }
    throw ConfigError(
      file: file, line: 1, keyPath: nil,
      message:
        "unrecognised trace header (\(table.header.joined(separator: ","))); expected arrived_at,num_prefill_tokens,num_decode_tokens"
    )
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
    while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty {
      lines.removeLast()
    }
    guard let first = lines.first else {
      throw ConfigError(file: file, line: 1, keyPath: nil, message: "the file is empty")
    }
    header = first.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var rows = [(Int, [String])]()
    rows.reserveCapacity(lines.count)
    for (offset, line) in lines.enumerated().dropFirst() {
      rows.append(
        (
          offset + 1,
          line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
          }
        ))
    }
    self.rows = rows
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
