import Foundation
import ServeSim

extension TraceReader {
  /// Reads a replayable trace, streaming it line by line.
  ///
  /// - Parameters:
  ///   - format: the layout; nil detects it from the CSV header or the first
  ///     JSON line's keys.
  /// - Returns: arrivals in seconds (relative to the first row) and token counts.
  /// - Throws: `ConfigError` naming the file and line of a malformed row.
  /// - Complexity: O(rows); memory is the records (16 bytes per request) plus one line.
  public static func records(file: String, format: TraceFormat?) throws(ConfigError)
    -> TraceRecords
  {
    let lines = try LineReader(file: file)
    guard let first = try lines.nextNonEmpty() else {
      throw ConfigError(file: file, line: 1, keyPath: nil, message: "the file is empty")
    }
    let isJSON = first.first == UInt8(ascii: "{")
    var format = format
    if let named = format, named.isJSONLines != isJSON {
      throw ConfigError(
        file: file, line: lines.number, keyPath: nil,
        message:
          "format \(named.rawValue) is \(named.isJSONLines ? "JSON lines" : "CSV with a header row"), but the file starts with '\(String(decoding: first.prefix(60), as: UTF8.self))'"
      )
    }
    var parse: TraceRowParser
    if isJSON {
      let keys = JSONLine.keys(first)
      if format == nil {
        format = TraceFormat.allCases.first {
          $0.isJSONLines && keys.contains($0.fields.time) && keys.contains($0.fields.input)
        }
      }
      guard let format else {
        throw ConfigError(
          file: file, line: lines.number, keyPath: nil,
          message:
            "unrecognised JSON-lines trace (keys: \(keys.joined(separator: ", "))); expected APEX (StartTimeOffset, ContextTokens, GeneratedTokens) or Mooncake (timestamp, input_length, output_length)"
        )
      }
      parse = TraceRowParser(format: format, file: file, columns: nil)
      try parse.row(first, line: lines.number)
    } else {
      let header = CSVTable.fields(first).map { String(CSVTable.trimmed($0)) }
      if format == nil {
        format = TraceFormat.allCases.first {
          !$0.isJSONLines && header.contains($0.fields.time) && header.contains($0.fields.input)
            && header.contains($0.fields.output)
        }
      }
      guard let format else {
        throw ConfigError(
          file: file, line: lines.number, keyPath: nil,
          message:
            "unrecognised trace header (\(header.joined(separator: ","))); expected one of: "
            + TraceFormat.allCases.filter { !$0.isJSONLines }.map {
              "\($0.fields.time),\($0.fields.input),\($0.fields.output) (\($0.rawValue))"
            }.joined(separator: "; "))
      }
      var columns = [Int]()
      for name in [format.fields.time, format.fields.input, format.fields.output] {
        guard let index = header.firstIndex(of: name) else {
          throw ConfigError(
            file: file, line: lines.number, keyPath: nil,
            message:
              "no column '\(name)' for format \(format.rawValue); columns: \(header.joined(separator: ", "))")
        }
        columns.append(index)
      }
      parse = TraceRowParser(format: format, file: file, columns: columns)
    }
    var reserved = false
    while let line = try lines.nextNonEmpty() {
      if !reserved {
        // Reserve for the rows the file size suggests (untouched capacity costs
        // no memory), so the arrays are not copied as they grow.
        reserved = true
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        parse.reserve(min(bytes / max(line.count, 8) + 16, 200_000_000))
      }
      try parse.row(line, line: lines.number)
    }
    if parse.trace.count == 0 {
      throw ConfigError(file: file, line: nil, keyPath: nil, message: "the trace has no rows")
    }
    return parse.records
  }

  /// The time scale that replays `trace` at `rate` requests per second on
  /// average: the trace's mean rate (requests after the first over its span)
  /// divided by `rate`.
  ///
  /// - Returns: nil when the trace has no span (one request, or all at once).
  public static func timeScale(for trace: TraceRecords, rate: Double) -> Double? {
    guard trace.count > 1, let first = trace.arrivals.first, let last = trace.arrivals.last,
      last > first, rate > 0, rate.isFinite
    else { return nil }
    let scale = Double(trace.count - 1) / (last - first) / rate
    return scale.isFinite && scale > 0 ? scale : nil
  }
}
