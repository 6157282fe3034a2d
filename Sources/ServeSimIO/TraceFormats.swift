import Foundation
import ServeSim

/// The request-trace layouts servesim replays.
///
/// Each row is one request: when it arrived and its prompt and output lengths
/// in tokens. Arrival times are made relative to the first row, except
/// Vidur's, which are already seconds from the start.
public enum TraceFormat: String, CaseIterable, Sendable {
  /// Vidur's processed traces: CSV `arrived_at` (seconds), `num_prefill_tokens`,
  /// `num_decode_tokens`.
  case vidur
  /// The Azure LLM inference traces (Azure/AzurePublicDataset, 2023 and 2024):
  /// CSV `TIMESTAMP` (a date and time, e.g. `2023-11-16 18:15:46.6805900`),
  /// `ContextTokens`, `GeneratedTokens`.
  case azure
  /// APEX's JSONL: `StartTimeOffset` (nanoseconds), `ContextTokens`, `GeneratedTokens`.
  case apex
  /// Mooncake's JSONL (kvcache-ai/Mooncake traces): `timestamp` (milliseconds),
  /// `input_length`, `output_length`, `hash_ids` (the chained hashes of the
  /// prompt's 512-token blocks, which drive prefix caching).
  case mooncake
  /// BurstGPT's CSV (HPMLL/BurstGPT): `Timestamp` (seconds), `Model`,
  /// `Request tokens`, `Response tokens`, `Total tokens`, `Log Type`.
  case burstgpt

  /// The columns (CSV) or keys (JSONL) of time, prompt length and output length.
  var fields: (time: String, input: String, output: String) {
    switch self {
    case .vidur: ("arrived_at", "num_prefill_tokens", "num_decode_tokens")
    case .azure: ("TIMESTAMP", "ContextTokens", "GeneratedTokens")
    case .apex: ("StartTimeOffset", "ContextTokens", "GeneratedTokens")
    case .mooncake: ("timestamp", "input_length", "output_length")
    case .burstgpt: ("Timestamp", "Request tokens", "Response tokens")
    }
  }

  /// Seconds per unit of the time field (dates are read as seconds).
  var secondsPerUnit: Double {
    switch self {
    case .apex: 1e-9
    case .mooncake: 1e-3
    default: 1
    }
  }

  var isJSONLines: Bool { self == .apex || self == .mooncake }

  /// Prompt tokens per `hash_ids` block in Mooncake's traces.
  public static let mooncakeBlockTokens = 512

  /// Rows with zero tokens are failed requests in the raw service logs (Azure,
  /// BurstGPT, APEX, Mooncake) and are skipped; Vidur's processed traces have none.
  var skipsEmptyRows: Bool { self != .vidur }
}

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

/// Turns rows of one format into `TraceRecords`, checking each.
struct TraceRowParser {
  let format: TraceFormat
  let file: String
  /// CSV column indices of time, input and output (nil for JSON lines).
  let columns: [Int]?
  var trace = TraceRecords(arrivals: [], inputTokens: [], outputTokens: [])
  /// The first row's time: whole seconds and the fraction (dates), or units.
  var origin: (whole: Int64, fraction: Double)?
  var previous = -Double.infinity
  /// Mooncake: each row's prompt-block hashes, renumbered densely.
  var hashes = BlockHashes(blockTokens: TraceFormat.mooncakeBlockTokens)
  var hashNumbers = [Int64: Int32]()
  var hashChain = [Int32]()
  var sawHashes = false

  init(format: TraceFormat, file: String, columns: [Int]?) {
    self.format = format
    self.file = file
    self.columns = columns
  }

  func fail(_ line: Int, _ message: String) -> ConfigError {
    ConfigError(file: file, line: line, keyPath: nil, message: message)
  }

  mutating func reserve(_ rows: Int) {
    trace.arrivals.reserveCapacity(rows)
    trace.inputTokens.reserveCapacity(rows)
    trace.outputTokens.reserveCapacity(rows)
  }

  mutating func row(_ bytes: ArraySlice<UInt8>, line: Int) throws(ConfigError) {
    let names = format.fields
    let timeText: Substring
    let inputText: Substring
    let outputText: Substring
    if let columns {
      let fields = CSVTable.fields(bytes)
      guard let last = columns.max(), last < fields.count else {
        throw fail(line, "the row has \(fields.count) fields; the header names more")
      }
      timeText = fields[columns[0]]
      inputText = fields[columns[1]]
      outputText = fields[columns[2]]
    } else {
      let keys = [names.time, names.input, names.output, "hash_ids"]
      var found = [Substring?](repeating: nil, count: format == .mooncake ? 4 : 3)
      if let problem = JSONLine.values(bytes, keys: keys, into: &found) {
        throw fail(line, "not a JSON object: \(problem)")
      }
      for (i, key) in keys.prefix(3).enumerated() where found[i] == nil {
        throw fail(line, "no '\(key)' in this line")
      }
      timeText = found[0] ?? ""
      inputText = found[1] ?? ""
      outputText = found[2] ?? ""
      if format == .mooncake { try hashIDs(found[3], line) }
    }
    let input = try tokens(inputText, names.input, line)
    let output = try tokens(outputText, names.output, line)
    let time = try seconds(CSVTable.trimmed(timeText), line)
    if time < previous {
      throw fail(line, "arrival times must not decrease (\(time) s after \(previous) s)")
    }
    previous = time
    if input == 0 || output == 0 { return }
    trace.arrivals.append(time)
    trace.inputTokens.append(input)
    trace.outputTokens.append(output)
    if format == .mooncake { hashes.append(hashChain) }
  }

  /// Reads a Mooncake row's `hash_ids` (a JSON array of whole numbers, or
  /// absent) into `hashChain`, numbering new hashes in order of appearance.
  mutating func hashIDs(_ raw: Substring?, _ line: Int) throws(ConfigError) {
    hashChain.removeAll(keepingCapacity: true)
    guard let raw else { return }
    let text = CSVTable.trimmed(raw)
    guard text.first == "[", text.last == "]" else {
      throw fail(
        line, "'hash_ids' must be an array of whole numbers like [1, 2, 3]; found '\(text.prefix(40))'")
    }
    for item in text.dropFirst().dropLast().split(separator: ",") {
      let number = CSVTable.trimmed(item)
      guard let value = Int64(number) else {
        throw fail(line, "'hash_ids' must hold whole numbers; found '\(number.prefix(40))'")
      }
      if let known = hashNumbers[value] {
        hashChain.append(known)
      } else {
        let next = Int32(clamping: hashNumbers.count)
        hashNumbers[value] = next
        hashChain.append(next)
      }
    }
    sawHashes = sawHashes || !hashChain.isEmpty
  }

  /// The records read, with their block hashes when any row had some.
  var records: TraceRecords {
    var result = trace
    if sawHashes {
      var h = hashes
      h.distinct = hashNumbers.count
      result.blockHashes = h
    }
    return result
  }

  /// A token count: a whole number from 1 to 2^31 − 1 (0 where empty rows are skipped).
  func tokens(_ raw: Substring, _ name: String, _ line: Int) throws(ConfigError) -> Int32 {
    let text = CSVTable.trimmed(raw)
    let lowest: Int32 = format.skipsEmptyRows ? 0 : 1
    if let value = TraceReader.tokenCount(text, lowest: lowest) { return value }
    throw fail(
      line, "'\(name)' must be a whole number of tokens, \(lowest) or more; found '\(text)'")
  }

  /// The row's arrival in seconds after the first row (Vidur: as written).
  mutating func seconds(_ text: Substring, _ line: Int) throws(ConfigError) -> Double {
    let name = format.fields.time
    var whole: Int64
    var fraction: Double
    if format == .azure {
      guard let parsed = DateTimeText.seconds(String(text)) else {
        throw fail(
          line, "'\(name)' must be a date and time like 2023-11-16 18:15:46.6805900; found '\(text)'")
      }
      (whole, fraction) = parsed
    } else {
      guard let value = Double(text), value.isFinite, value >= 0, value < 1e300 else {
        throw fail(line, "'\(name)' must be a time, 0 or more; found '\(text)'")
      }
      (whole, fraction) = (0, value * format.secondsPerUnit)
    }
    if format == .vidur { return fraction }
    if origin == nil { origin = (whole, fraction) }
    let (w0, f0) = origin ?? (whole, fraction)
    let elapsed = Double(whole &- w0) + (fraction - f0)
    guard elapsed.isFinite else { throw fail(line, "'\(name)' is out of range: '\(text)'") }
    return elapsed
  }
}

/// Reads a file one line at a time (C stdio), never holding more than a line.
final class LineReader {
  let file: String
  private let handle: UnsafeMutablePointer<FILE>
  private var buffer: UnsafeMutablePointer<CChar>?
  private var capacity = 0
  /// 1-based number of the line last returned.
  private(set) var number = 0

  init(file: String) throws(ConfigError) {
    self.file = file
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory),
      !isDirectory.boolValue, let handle = fopen(file, "r")
    else {
      throw ConfigError(
        file: file, line: nil, keyPath: nil, message: "cannot read trace: \(YAMLFile.reason(file))")
    }
    self.handle = handle
  }

  deinit {
    fclose(handle)
    free(buffer)
  }

  /// The next line that is not blank, without its line ending; nil at the end.
  func nextNonEmpty() throws(ConfigError) -> ArraySlice<UInt8>? {
    while true {
      let count = getline(&buffer, &capacity, handle)
      if count < 0 {
        if ferror(handle) != 0 {
          throw ConfigError(file: file, line: number + 1, keyPath: nil, message: "read error")
        }
        return nil
      }
      number += 1
      guard let buffer else { return nil }
      var length = count
      let raw = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
      while length > 0, raw[length - 1] == 10 || raw[length - 1] == 13 || raw[length - 1] == 32 {
        length -= 1
      }
      var start = 0
      if number == 1, length >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
      while start < length, raw[start] == 32 || raw[start] == 9 { start += 1 }
      if start >= length { continue }
      return ArraySlice(UnsafeBufferPointer(start: raw + start, count: length - start))
    }
  }
}

/// Date-time text as written by the Azure traces.
enum DateTimeText {
  /// Seconds since 1970-01-01 00:00 UTC of `YYYY-MM-DD[ T]hh:mm:ss[.fraction][Z|±hh:mm]`,
  /// as whole seconds and a fraction.
  static func seconds(_ text: String) -> (Int64, Double)? {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var value = 0
      for i in from..<from + count {
        guard b[i] >= 48 && b[i] <= 57 else { return nil }
        value = value * 10 + Int(b[i] - 48)
      }
      return value
    }
    guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 32 || b[10] == 84, b[13] == 58,
      b[16] == 58, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
      let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var i = 19
    var fraction = 0.0
    if i < b.count, b[i] == 46 {
      i += 1
      var scale = 0.1
      let start = i
      while i < b.count, b[i] >= 48 && b[i] <= 57 {
        fraction += Double(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
      if i == start { return nil }
    }
    var offset = 0
    if i < b.count {
      if b[i] == 90 {  // Z
        i += 1
      } else if b[i] == 43 || b[i] == 45 {  // +hh:mm, -hh:mm, +hhmm, +hh
        let sign = b[i] == 45 ? -1 : 1
        guard let h = number(i + 1, 2) else { return nil }
        i += 3
        var m = 0
        if i < b.count, b[i] == 58 { i += 1 }
        if i < b.count {
          guard let minutes = number(i, 2) else { return nil }
          m = minutes
          i += 2
        }
        offset = sign * (h * 3600 + m * 60)
      }
      if i != b.count { return nil }
    }
    // Days from the civil date (H. Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    let whole = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    return (whole, fraction)
  }
}

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
