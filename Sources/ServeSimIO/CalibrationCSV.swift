import Foundation
import ServeSim

/// A CSV file read whole: a header and rows of fields (RFC 4180 quoting).
struct CalibrationCSVTable {
  let file: String
  let header: [String]
  /// (1-based line, fields) per data row; blank lines are skipped.
  let rows: [(line: Int, fields: [String])]

  init(file: String) throws(CalibrationError) {
    let text: String
    do {
      text = try String(contentsOfFile: file, encoding: .utf8)
    } catch {
      throw .badInput(file: file, line: nil, column: nil, message: "cannot read the file")
    }
    try self.init(file: file, text: text)
  }

  init(file: String, text: String) throws(CalibrationError) {
    self.file = file
    var records = [(Int, [String])]()
    var fields = [String]()
    var field = ""
    var quoted = false
    var line = 1
    var recordLine = 1
    var chars = Array(text.unicodeScalars)
    if chars.last != "\n" { chars.append("\n") }
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if quoted {
        if c == "\"" {
          if i + 1 < chars.count && chars[i + 1] == "\"" {
            field.unicodeScalars.append("\"")
            i += 1
          } else {
            quoted = false
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" && field.isEmpty {
        quoted = true
      } else if c == "," {
        fields.append(field)
        field = ""
      } else if c == "\n" {
        fields.append(field.trimmingCharacters(in: .whitespacesAndNewlines))
        if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
        fields = []
        field = ""
        line += 1
        recordLine = line
      } else if c != "\r" {
        field.unicodeScalars.append(c)
      }
      i += 1
    }
    if quoted {
      throw .badInput(file: file, line: recordLine, column: nil, message: "a quoted field is not closed")
    }
    guard let first = records.first else {
      throw .badInput(file: file, line: 1, column: nil, message: "the file is empty")
    }
    header = first.1.map { $0.trimmingCharacters(in: .whitespaces) }
    rows = records.dropFirst().map {
      (line: $0.0, fields: $0.1.map { $0.trimmingCharacters(in: .whitespaces) })
    }
  }

  /// Index of a column, if present.
  func index(_ name: String) -> Int? { header.firstIndex(of: name) }

  /// Index of a column that must be present.
  func require(_ name: String) throws(CalibrationError) -> Int {
    guard let i = index(name) else {
      throw .badInput(
        file: file, line: 1, column: name,
        message: "the header has no '\(name)' column; it has: \(header.joined(separator: ","))")
    }
    return i
  }

  func field(_ row: (line: Int, fields: [String]), _ index: Int) -> String {
    index < row.fields.count ? row.fields[index] : ""
  }

  /// A number in a column, or nil when the field is empty.
  func double(_ row: (line: Int, fields: [String]), _ index: Int) throws(CalibrationError) -> Double? {
    let text = field(row, index)
    if text.isEmpty { return nil }
    guard let v = Double(text), v.isFinite else {
      throw .badInput(
        file: file, line: row.line, column: header[index], message: "'\(text)' is not a number")
    }
    return v
  }

  /// A whole number ≥ 0 in a column (0 when empty).
  func count(_ row: (line: Int, fields: [String]), _ index: Int) throws(CalibrationError) -> Int {
    guard let v = try double(row, index) else { return 0 }
    guard v >= 0, v == v.rounded(), v < 1e15 else {
      throw .badInput(
        file: file, line: row.line, column: header[index],
        message: "must be a whole number, 0 or more; found '\(field(row, index))'")
    }
    return Int(v)
  }
}

/// The CSV layouts of calibration data: `servesim profile --export` and the
/// operator lists `servesim cost` prices.
public enum CalibrationCSV {
  /// The columns of an operator list (`servesim cost --input`).
  public static let operatorColumns = [
    "op", "dtype", "kv_dtype", "m", "n", "k", "batch", "heads", "kv_heads", "head_dim", "q_tokens",
    "kv_tokens", "bytes", "ranks",
  ]
  static let shapeColumns = Array(operatorColumns[3...])

  /// The columns of an export: every operator column, so that an export can be
  /// priced with `servesim cost --compare` as it is.
  public static let exportColumns =
    ["device", "backend", "backend_version"] + operatorColumns + [
      "measured_us", "spread_us", "repeats", "threads", "measured_at", "host", "label", "flagged",
    ]

  static func shapeValues(_ s: OperatorShape) -> [Int] {
    [s.m, s.n, s.k, s.batch, s.heads, s.kvHeads, s.headDim, s.qTokens, s.kvTokens, s.bytes, s.ranks]
  }

  /// Measurements as CSV (`exportColumns`); unused shape fields are empty.
  public static func export(_ measurements: [KernelMeasurement]) -> [UInt8] {
    var b = CSVBuffer(capacity: measurements.count * 120 + 256)
    b.text(exportColumns.joined(separator: ","))
    b.newline()
    for m in measurements {
      b.field(m.device)
      b.comma()
      b.field(m.backend)
      b.comma()
      b.field(m.backendVersion)
      b.comma()
      b.text(m.op.rawValue)
      b.comma()
      b.text(m.dtype.rawValue)
      b.comma()
      b.text(m.dtype.rawValue)
      for v in shapeValues(m.shape) {
        b.comma()
        if v != 0 { b.int(v) }
      }
      b.comma()
      b.fixed(m.medianUs, 3)
      b.comma()
      b.fixed(m.spreadUs, 3)
      b.comma()
      b.int(m.repeats)
      b.comma()
      b.int(m.threads)
      b.comma()
      b.field(m.measuredAt)
      b.comma()
      b.field(m.host)
      b.comma()
      b.field(m.label)
      b.comma()
      b.text(m.flagged ? "1" : "0")
      b.newline()
    }
    return b.bytes
  }

  /// Reads measurements back from an export (`exportColumns`).
  public static func readExport(file: String) throws(CalibrationError) -> [KernelMeasurement] {
    let table = try CalibrationCSVTable(file: file)
    let requests = try readOperators(table)
    var index = [String: Int]()
    for name in exportColumns { index[name] = try table.require(name) }
    var out = [KernelMeasurement]()
    for (row, request) in zip(table.rows, requests) {
      func text(_ name: String) -> String { table.field(row, index[name] ?? 0) }
      out.append(
        KernelMeasurement(
          device: text("device"), backend: text("backend"), backendVersion: text("backend_version"),
          op: request.op, dtype: request.dtype, shape: request.shape,
          medianUs: try table.double(row, index["measured_us"] ?? 0) ?? 0,
          spreadUs: try table.double(row, index["spread_us"] ?? 0) ?? 0,
          repeats: try table.count(row, index["repeats"] ?? 0),
          threads: try table.count(row, index["threads"] ?? 0), measuredAt: text("measured_at"),
          host: text("host"), label: text("label"), flagged: text("flagged") == "1"))
    }
    return out
  }

  /// One operator to price, from a row of an operator list.
  public struct OperatorRow: Sendable, Equatable {
    public var line: Int
    public var op: CalibrationOp
    public var dtype: DType
    public var kvDType: DType
    public var shape: OperatorShape
    /// The `measured_us` column, when the file has one and the field is set.
    public var measuredUs: Double?
    /// The `label` column, when present (groups the error table).
    public var label: String
    /// Every field of the row as read, to repeat in the output.
    public var fields: [String]

    public init(
      line: Int, op: CalibrationOp, dtype: DType, kvDType: DType, shape: OperatorShape,
      measuredUs: Double?, label: String, fields: [String]
    ) {
      self.line = line
      self.op = op
      self.dtype = dtype
      self.kvDType = kvDType
      self.shape = shape
      self.measuredUs = measuredUs
      self.label = label
      self.fields = fields
    }
  }

  /// Reads an operator list: the header must name every column of
  /// `operatorColumns` (in any order; other columns are kept and repeated).
  public static func readOperators(file: String) throws(CalibrationError) -> (
    header: [String], rows: [OperatorRow]
  ) {
    let table = try CalibrationCSVTable(file: file)
    return (table.header, try readOperators(table))
  }

  static func readOperators(_ table: CalibrationCSVTable) throws(CalibrationError) -> [OperatorRow] {
    var index = [String: Int]()
    for name in operatorColumns { index[name] = try table.require(name) }
    let measured = table.index("measured_us")
    let label = table.index("label")
    var out = [OperatorRow]()
    out.reserveCapacity(table.rows.count)
    for row in table.rows {
      if row.fields.count != table.header.count {
        throw .badInput(
          file: table.file, line: row.line, column: nil,
          message: "the row has \(row.fields.count) fields; the header has \(table.header.count)")
      }
      let opText = table.field(row, index["op"] ?? 0)
      guard let op = CalibrationOp(rawValue: opText) else {
        throw .badInput(
          file: table.file, line: row.line, column: "op",
          message:
            "unknown operator '\(opText)'; valid: \(CalibrationOp.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      func dtype(_ name: String, default fallback: DType?) throws(CalibrationError) -> DType {
        let text = table.field(row, index[name] ?? 0)
        if text.isEmpty, let fallback { return fallback }
        guard let value = DType(rawValue: text) else {
          throw .badInput(
            file: table.file, line: row.line, column: name,
            message:
              "unknown dtype '\(text)'; valid: \(DType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
      }
      let compute = try dtype("dtype", default: .bf16)
      let kv = try dtype("kv_dtype", default: compute)
      var values = [String: Int]()
      for name in shapeColumns { values[name] = try table.count(row, index[name] ?? 0) }
      let shape = OperatorShape(
        m: values["m"] ?? 0, n: values["n"] ?? 0, k: values["k"] ?? 0, batch: values["batch"] ?? 0,
        heads: values["heads"] ?? 0, kvHeads: values["kv_heads"] ?? 0,
        headDim: values["head_dim"] ?? 0, qTokens: values["q_tokens"] ?? 0,
        kvTokens: values["kv_tokens"] ?? 0, bytes: values["bytes"] ?? 0, ranks: values["ranks"] ?? 0)
      for name in OperatorShape.requiredFields(op) where (values[name] ?? 0) == 0 {
        throw .badInput(
          file: table.file, line: row.line, column: name,
          message: "\(op.rawValue) needs '\(name)' (a whole number, 1 or more)")
      }
      if op == .attentionPrefill && shape.qTokens > shape.kvTokens {
        throw .badInput(
          file: table.file, line: row.line, column: "q_tokens",
          message: "q_tokens (\(shape.qTokens)) exceeds kv_tokens (\(shape.kvTokens)), which include them")
      }
      var measuredUs: Double?
      if let measured {
        measuredUs = try table.double(row, measured)
        if let v = measuredUs, v <= 0 {
          throw .badInput(
            file: table.file, line: row.line, column: "measured_us", message: "must be positive")
        }
      }
      out.append(
        OperatorRow(
          line: row.line, op: op, dtype: compute, kvDType: kv, shape: shape, measuredUs: measuredUs,
          label: label.map { table.field(row, $0) } ?? "", fields: row.fields))
    }
    return out
  }
}
