import Foundation
import GRDB
import ServeSim

/// A row of the `profile_run` table: one run of the profiler.
public struct ProfileRunRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord,
  SnakeCaseColumns
{
  public static let databaseTableName = "profile_run"

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
