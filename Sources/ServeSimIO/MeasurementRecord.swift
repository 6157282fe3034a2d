import Foundation
import GRDB
import ServeSim

/// A row of the `measurement` table.
struct MeasurementRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
  static let databaseTableName = "measurement"
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
