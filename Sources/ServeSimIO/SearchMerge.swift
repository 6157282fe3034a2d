import Foundation
import ServeSim

/// Joins the stores of the N shards of a search (`servesim search --shard
/// K/N`) into the result one run writes.
///
/// The stores must come from the same search file, overrides and servesim
/// version (their recorded inputs), be shards 1 to N of one N, each once, and
/// each hold exactly the plans `SearchShard.assignment` gives it. The merge
/// then replays one run of the whole space over their outcomes: the same
/// bounds, order, waves and pruning, taking a plan's saved outcome wherever
/// the run would simulate it from the same first rate, and simulating it
/// only where no shard did (a shard pruned it against its own best, or copied
/// it from a sibling, or warm-started it from another neighbour). Its outcomes
/// are therefore the very ones one run computes, whatever N.
public enum SearchMerge {
  /// A shard's store, read.
  public struct Shard: Sendable {
    public var store: SearchStore
    public var shard: SearchShard
    public var search: String
    public var inputs: SearchInputs
  }

  /// What a merge did besides its result.
  public struct Tally: Sendable, Equatable {
    /// Plans the shards simulated (their evaluated outcomes with probes).
    public var simulatedInShards: Int
    /// Plans the merge simulated again (no shard computed them as one run does).
    public var simulatedByMerge: Int
  }

  /// Reads and checks the stores in `directories` (each DIR/search.sqlite).
  public static func read(directories: [String]) throws -> [Shard] {
    var shards = [Shard]()
    for directory in directories {
      let path = (directory as NSString).appendingPathComponent("search.sqlite")
      let store = try SearchStore(reading: path)
      guard let search = try store.meta("search"), let text = try store.meta("shard"),
        let shard = SearchShard(parsing: text), let inputs = try store.savedInputs()
      else { throw SearchMergeError.unmarked(path) }
      shards.append(Shard(store: store, shard: shard, search: search, inputs: inputs))
    }
    guard let first = shards.first else { throw SearchMergeError.shards("give the shard folders to merge") }
    let n = first.shard.count
    if let other = shards.first(where: { $0.shard.count != n }) {
      throw SearchMergeError.shards(
        "shards of different counts: '\(first.store.path)' is shard \(first.shard), '\(other.store.path)' is shard \(other.shard)"
      )
    }
    let byIndex = Dictionary(grouping: shards, by: \.shard.index)
    if let (k, twice) = byIndex.first(where: { $0.value.count > 1 }) {
      throw SearchMergeError.shards(
        "shard \(k)/\(n) given \(twice.count) times: "
          + twice.map { "'\($0.store.path)'" }.joined(separator: ", "))
    }
    let missing = (1...n).filter { byIndex[$0] == nil }
    if !missing.isEmpty {
      throw SearchMergeError.shards(
        "\(shards.count) of \(n) shards given; missing shard \(missing.map { "\($0)/\(n)" }.joined(separator: ", "))"
      )
    }
    for s in shards.dropFirst() {
      var changes = s.inputs.changes(since: first.inputs)
      if s.search != first.search { changes.insert("search file (\(s.search), not \(first.search))", at: 0) }
      if !changes.isEmpty { throw SearchMergeError.differentSearches(s.store.path, changes) }
    }
    return shards.sorted { $0.shard.index < $1.shard.index }
  }

  /// Loads the search the shards searched, refusing when its files changed.
  public static func search(of shards: [Shard]) throws -> LoadedSearch {
    guard let first = shards.first else { throw SearchMergeError.shards("give the shard folders to merge") }
    var overrides = [Override]()
    for text in first.inputs.overrides { overrides.append(try Override(parsing: text)) }
    let loaded = try SearchLoader.load(path: first.search, overrides: overrides)
    let changes = loaded.inputs.changes(since: first.inputs)
    if !changes.isEmpty { throw SearchMergeError.changed(first.search, changes) }
    return loaded
  }

  /// Merges `shards` of `search` into one run's result, saving every outcome
  /// to `store`.
  public static func merge(
    _ shards: [Shard], search: LoadedSearch, jobs: Int, store: SearchStore,
    progress: (SearchProgress) -> Void = { _ in }
  ) throws -> (result: SearchResult, tally: Tally) {
    let space = search.space
    let plans = PlanEnumerator.plans(space)
    let count = shards.first?.shard.count ?? 1
    let shardOf = SearchShard.assignment(plans, count: count, requestsPerReplica: space.requestsPerReplica)
    var previous = [String: SearchOutcome]()
    var inShards = 0
    for s in shards {
      let expected = Set(plans.indices.filter { shardOf[$0] == s.shard.index }.map { plans[$0].name })
      let held = try s.store.names()
      if held != expected {
        let missing = expected.subtracting(held).sorted()
        let foreign = held.subtracting(expected).sorted()
        var text =
          "'\(s.store.path)' (shard \(s.shard)) holds \(held.count) outcomes; its plans are \(expected.count)"
        if !missing.isEmpty {
          text +=
            "; \(missing.count) missing (first \(missing[0]); an interrupted shard: run it again with --resume)"
        }
        if !foreign.isEmpty { text += "; \(foreign.count) not its own (first \(foreign[0]))" }
        throw SearchMergeError.notItsPlans(text)
      }
      for (name, outcome) in try s.store.load(plans: plans) {
        previous[name] = outcome
        if outcome.status == .evaluated && outcome.probes > 0 { inShards += 1 }
      }
    }
    var runner = SearchRunner(space: space, jobs: jobs)
    runner.replayOnlyMatching = true
    let result = try runner.run(previous: previous, progress: progress, save: { try store.save($0) })
    return (result, Tally(simulatedInShards: inShards, simulatedByMerge: result.simulated))
  }
}
