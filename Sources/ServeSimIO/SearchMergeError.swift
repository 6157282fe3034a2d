/// Why shard stores cannot be merged.
public enum SearchMergeError: Error, CustomStringConvertible {
  /// No store at the path.
  case noStore(String)
  /// The store does not say which search file or shard it holds.
  case unmarked(String)
  /// Shards of different counts, a shard given twice, or shards missing.
  case shards(String)
  /// Shards computed from different search files, overrides or versions.
  case differentSearches(String, [String])
  /// The search's files changed since the shards ran.
  case changed(String, [String])
  /// A store does not hold exactly its shard's plans.
  case notItsPlans(String)

  /// Whether the user gave the wrong stores (exit 64) rather than stores
  /// that cannot be merged as they are (exit 1).
  public var isBadInput: Bool {
    switch self {
    case .noStore, .unmarked, .shards, .differentSearches: true
    case .changed, .notItsPlans: false
    }
  }

  public var description: String {
    switch self {
    case .noStore(let path):
      "'\(path)': no search store (a shard writes DIR/search.sqlite: servesim search SEARCH.yaml --shard K/N --out DIR)"
    case .unmarked(let path):
      "'\(path)' does not record its search file and shard (written by an older servesim); run the shard again"
    case .shards(let what): what
    case .differentSearches(let path, let changes):
      "'\(path)' comes from another search than the first store; differs: \(changes.joined(separator: "; "))"
    case .changed(let search, let changes):
      "the files of \(search) changed since the shards ran: \(changes.joined(separator: "; ")); run the shards again"
    case .notItsPlans(let what): what
    }
  }
}
