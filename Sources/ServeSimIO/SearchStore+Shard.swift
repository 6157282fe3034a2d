import Foundation
import GRDB
import ServeSim

/// What a shard's store records besides its outcomes: the search file it
/// searched and which shard it holds, for `servesim search --merge`.
extension SearchStore {
  /// Opens an existing store to read it, changing nothing.
  ///
  /// - Throws: `SearchMergeError.noStore` when there is no store at `path`.
  public init(reading path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else { throw SearchMergeError.noStore(path) }
    self.path = path
    queue = try DatabaseQueue(path: path)
    try Self.migrator.migrate(queue)
  }

  /// Records which search file and shard the store holds (nil shard: the whole space).
  public func mark(search: String, shard: SearchShard?) throws {
    try queue.write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('search', ?)",
        arguments: [InputLoader.absolute(search)])
      try db.execute(
        sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('shard', ?)",
        arguments: [(shard ?? SearchShard(index: 1, count: 1)).description])
    }
  }

  /// Records whether the search prunes (`--no-prune` off): its outcomes
  /// differ, so a resume must keep the setting.
  public func mark(prune: Bool) throws {
    try queue.write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('prune', ?)", arguments: [prune ? "on" : "off"]
      )
    }
  }

  /// A value of the meta table (`inputs`, `search`, `shard`, `prune`), nil when absent.
  public func meta(_ key: String) throws -> String? {
    try queue.read { db in
      try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }
  }

  /// The inputs the outcomes were computed from, nil when not recorded.
  public func savedInputs() throws -> SearchInputs? {
    guard let text = try meta("inputs") else { return nil }
    return try JSONDecoder().decode(SearchInputs.self, from: Data(text.utf8))
  }

  /// The names of the plans with a saved outcome.
  public func names() throws -> Set<String> {
    try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM outcome")) }
  }
}
