import Foundation
import GRDB
import ServeSim

/// The SQLite file (through GRDB) a search writes every outcome to as it goes,
/// so that a killed search resumes where it stopped (`servesim search --resume`),
/// losing and duplicating nothing: outcomes are keyed by plan name and each
/// wave is written in one transaction.
public struct SearchStore: Sendable {
  public let path: String
  let queue: DatabaseQueue

  /// What changed since the outcomes were saved, when `force` discarded them.
  public private(set) var discarded: [String] = []

  /// Opens (creating if needed) the store of a search with `inputs`.
  ///
  /// - Parameters:
  ///   - resume: keep the outcomes an earlier run saved (else start over).
  ///   - force: when resuming and the inputs changed, discard the saved
  ///     outcomes and start over (else refuse).
  /// - Throws: `SearchStoreError.stale`, naming what changed, when resuming
  ///   from outcomes computed from other inputs without `force`.
  public init(path: String, inputs: SearchInputs, resume: Bool, force: Bool = false) throws {
    self.path = path
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    if !resume { try? FileManager.default.removeItem(atPath: path) }
    queue = try DatabaseQueue(path: path)
    try Self.migrator.migrate(queue)
    let encoded = String(decoding: try JSONEncoder.sorted.encode(inputs), as: UTF8.self)
    discarded = try queue.write { db in
      var changes = [String]()
      let saved = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'inputs'")
      if let saved {
        let previous = try JSONDecoder().decode(SearchInputs.self, from: Data(saved.utf8))
        changes = inputs.changes(since: previous)
      } else if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcome") ?? 0 > 0 {
        changes = ["servesim version (results saved by a servesim that did not record its inputs)"]
      }
      if !changes.isEmpty {
        if !force { throw SearchStoreError.stale(path, changes) }
        try db.execute(sql: "DELETE FROM outcome")
      }
      try db.execute(sql: "DELETE FROM meta WHERE key = 'fingerprint'")
      try db.execute(
        sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('inputs', ?)", arguments: [encoded])
      return changes
    }
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-search-outcome") { db in
      try db.create(table: "meta") { t in
        t.primaryKey("key", .text)
        t.column("value", .text).notNull()
      }
      try db.create(table: "outcome") { t in
        t.primaryKey("name", .text)
        t.column("status", .text).notNull()
        t.column("reason", .text).notNull()
        t.column("bound", .double).notNull()
        t.column("capacity", .double).notNull()
        t.column("probes", .integer).notNull()
        t.column("rate", .double).notNull()
        t.column("objective", .double)
        t.column("summary", .text)
      }
    }
    migrator.registerMigration("v2-search-peaks") { db in
      try db.alter(table: "outcome") { t in
        t.add(column: "peak_running", .integer).notNull().defaults(to: 0)
        t.add(column: "peak_blocks", .integer).notNull().defaults(to: 0)
      }
    }
    migrator.registerMigration("v3-search-guess") { db in
      try db.alter(table: "outcome") { t in t.add(column: "guess", .double) }
    }
    // Outcomes saved before budget use was recorded count as turned away by
    // their budget, so no max_num_batched_tokens sibling copies them.
    migrator.registerMigration("v4-search-budget") { db in
      try db.alter(table: "outcome") { t in
        t.add(column: "budget_denials", .integer).notNull().defaults(to: 1)
        t.add(column: "peak_budget", .integer).notNull().defaults(to: 0)
      }
    }
    return migrator
  }

  /// Saves outcomes in one transaction.
  public func save(_ outcomes: [SearchOutcome]) throws {
    guard !outcomes.isEmpty else { return }
    let encoder = JSONEncoder.sorted
    try queue.write { db in
      for o in outcomes {
        let summary = try o.summary.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try db.execute(
          sql: """
            INSERT OR REPLACE INTO outcome (name, status, reason, bound, capacity, probes, rate, objective, summary,
              peak_running, peak_blocks, guess, budget_denials, peak_budget)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            o.plan.name, o.status.rawValue, o.reason, o.bound, o.capacity, o.probes, o.evaluatedRate,
            o.objective, summary, o.peakRunning, o.peakUsedBlocks, o.guess, o.budgetDenials,
            o.peakBudgetUse,
          ])
      }
    }
  }

  /// The outcomes saved for `plans` (matched by name).
  public func load(plans: [PlanSpec]) throws -> [String: SearchOutcome] {
    let byName = Dictionary(plans.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let decoder = JSONDecoder()
    return try queue.read { db in
      var out = [String: SearchOutcome]()
      for row in try Row.fetchAll(db, sql: "SELECT * FROM outcome ORDER BY name") {
        let name: String = row["name"]
        guard let plan = byName[name],
          let status = SearchOutcome.Status(rawValue: row["status"] as String)
        else { continue }
        let summaryText: String? = row["summary"]
        let summary = try summaryText.map { try decoder.decode(Summary.self, from: Data($0.utf8)) }
        var outcome = SearchOutcome(
          plan: plan, status: status, reason: row["reason"], bound: row["bound"],
          capacity: row["capacity"], probes: row["probes"], evaluatedRate: row["rate"],
          summary: summary, objective: row["objective"])
        outcome.peakRunning = row["peak_running"]
        outcome.peakUsedBlocks = row["peak_blocks"]
        outcome.guess = row["guess"]
        outcome.budgetDenials = row["budget_denials"]
        outcome.peakBudgetUse = row["peak_budget"]
        out[name] = outcome
      }
      return out
    }
  }

  /// How many outcomes are saved.
  public func count() throws -> Int {
    try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcome") ?? 0 }
  }
}

/// Why a search store cannot be used.
public enum SearchStoreError: Error, CustomStringConvertible {
  /// The store holds outcomes computed from other inputs: what changed.
  case stale(String, [String])

  public var description: String {
    switch self {
    case .stale(let path, let changes):
      "'\(path)' holds outcomes computed from other inputs; changed since: \(changes.joined(separator: "; ")). Run with --resume --force to recompute them, or without --resume to start over"
    }
  }
}

extension JSONEncoder {
  /// An encoder with sorted keys, for bytes that do not depend on hashing order.
  static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }
}
