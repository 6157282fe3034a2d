import Foundation
import ServeSim

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
    let table = try CSVTable.calibration(file: file)
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
    let table = try CSVTable.calibration(file: file)
    return (table.header, try readOperators(table))
  }

  static func readOperators(_ table: CSVTable) throws(CalibrationError) -> [OperatorRow] {
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
