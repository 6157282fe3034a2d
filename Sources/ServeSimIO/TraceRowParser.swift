import Foundation
import ServeSim

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
