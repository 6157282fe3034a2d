import Foundation
import GRDB
import ServeSim

/// A row of the `measurement` table.
struct MeasurementRecord: Codable, FetchableRecord, MutablePersistableRecord {
  static let databaseTableName = "measurement"
  /// Columns are the properties in snake case (`kvHeads` → `kv_heads`).
  static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
  static let shapeColumns = [
    "m", "n", "k", "batch", "heads", "kv_heads", "head_dim", "q_tokens", "kv_tokens", "bytes", "ranks",
  ]

  var id: Int64?
  var device: String
  var backend: String
  var backendVersion: String
  var op: String
  var dtype: String
  var m, n, k, batch, heads, kvHeads, headDim, qTokens, kvTokens, bytes, ranks: Int
  var medianUs: Double
  var spreadUs: Double
  var repeats: Int
  var measuredAt: String
  var host: String
  var threads: Int
  var label: String
  var flagged: Bool

  init(_ x: KernelMeasurement) {
    device = x.device
    backend = x.backend
    backendVersion = x.backendVersion
    op = x.op.rawValue
    dtype = x.dtype.rawValue
    let s = x.shape
    (m, n, k, batch, heads, kvHeads) = (s.m, s.n, s.k, s.batch, s.heads, s.kvHeads)
    (headDim, qTokens, kvTokens, bytes, ranks) = (s.headDim, s.qTokens, s.kvTokens, s.bytes, s.ranks)
    medianUs = x.medianUs
    spreadUs = x.spreadUs
    repeats = x.repeats
    measuredAt = x.measuredAt
    host = x.host
    threads = x.threads
    label = x.label
    flagged = x.flagged
  }

  var measurement: KernelMeasurement? {
    guard let op = CalibrationOp(rawValue: op), let dtype = DType(rawValue: dtype) else { return nil }
    return KernelMeasurement(
      device: device, backend: backend, backendVersion: backendVersion, op: op, dtype: dtype,
      shape: OperatorShape(
        m: m, n: n, k: k, batch: batch, heads: heads, kvHeads: kvHeads, headDim: headDim,
        qTokens: qTokens, kvTokens: kvTokens, bytes: bytes, ranks: ranks),
      medianUs: medianUs, spreadUs: spreadUs, repeats: repeats, threads: threads,
      measuredAt: measuredAt, host: host, label: label, flagged: flagged)
  }

  mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of the `fit` table; `parameters` is a JSON object of named figures
/// (`launch_us`, `tflops`, `gbps`, `tile_m`, `tile_n`, `units`).
struct FitRecord: Codable, FetchableRecord, MutablePersistableRecord {
  static let databaseTableName = "fit"
  /// Columns are the properties in snake case (`fittedAt` → `fitted_at`).
  static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

  var id: Int64?
  var device: String
  var op: String
  var dtype: String
  var ranks: Int
  var parameters: String
  var residual: Double
  var points: Int
  var fittedAt: String

  init(device: String, fit: OperatorFit, at time: String) {
    self.device = device
    op = fit.op.rawValue
    dtype = fit.dtype?.rawValue ?? ""
    ranks = fit.ranks
    var object = [String: Double]()
    for (key, value) in fit.parameters { object[key] = value }
    let data =
      (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    parameters = String(decoding: data, as: UTF8.self)
    residual = fit.residual
    points = fit.points
    fittedAt = time
  }

  var fit: OperatorFit? {
    guard let op = CalibrationOp(rawValue: op),
      let object = try? JSONSerialization.jsonObject(with: Data(parameters.utf8)) as? [String: Any]
    else { return nil }
    var figures = [String: Double]()
    for (key, value) in object {
      if let number = value as? NSNumber { figures[key] = number.doubleValue }
    }
    return OperatorFit(
      op: op, dtype: DType(rawValue: dtype), ranks: ranks, parameters: figures, residual: residual,
      points: points)
  }

  mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of the `profile_run` table: one run of the profiler.
public struct ProfileRunRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
  public static let databaseTableName = "profile_run"
  /// Columns are the properties in snake case (`startedAt` → `started_at`).
  public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

  public var id: Int64?
  public var device: String
  public var backend: String
  public var backendVersion: String
  public var host: String
  /// The processor (CPU model or GPU name).
  public var processor: String
  public var cores: Int
  public var startedAt: String
  public var finishedAt: String
  public var rows: Int
  /// Anything else worth keeping (versions, busy-machine flags).
  public var notes: String

  public init(
    device: String, backend: String, backendVersion: String, host: String, processor: String,
    cores: Int, startedAt: String, finishedAt: String, rows: Int, notes: String
  ) {
    self.device = device
    self.backend = backend
    self.backendVersion = backendVersion
    self.host = host
    self.processor = processor
    self.cores = cores
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.rows = rows
    self.notes = notes
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
