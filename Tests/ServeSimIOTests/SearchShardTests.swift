import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// `servesim search --shard K/N` and `--merge`: N shards merged give what one
/// run gives.
@Suite(.serialized) struct SearchShardTests {
  /// A small capacity search (88 plans in 7 neighbourhoods; one run prunes
  /// some), so that shards warm-start, prune and copy siblings.
  static let search = """
    name: shards
    model: model.yaml
    workload: workload.yaml
    slo: {ttft_ms: 50, tpot_ms: 5}
    clusters: [{cluster: cluster.yaml, max_devices: 8}]
    parallelism: {tensor: [1, 2, 4, 8], pipeline: [1, 2]}
    scheduler: {max_num_seqs: [4, 16], max_num_batched_tokens: [256, 1024]}
    capacity: {requests_per_replica: 20, tolerance: 0.2}
    """

  struct Files {
    let temp: TempPlan
    let loaded: LoadedSearch
    var searchPath: String { temp.path("search.yaml") }

    init() throws {
      temp = try TempPlan()
      try SearchShardTests.search.write(toFile: temp.path("search.yaml"), atomically: true, encoding: .utf8)
      loaded = try SearchLoader.load(path: temp.path("search.yaml"))
    }

    /// Runs shard `shard` into DIR/search.sqlite; returns DIR.
    func runShard(_ shard: SearchShard?, into name: String) throws -> String {
      let directory = temp.path(name)
      let store = try SearchStore(
        path: directory + "/search.sqlite", inputs: loaded.inputs, resume: false)
      try store.mark(search: searchPath, shard: shard)
      var runner = SearchRunner(space: loaded.space, jobs: 2)
      runner.shard = shard
      _ = try runner.run(save: { try store.save($0) })
      return directory
    }

    /// Merges `directories` and writes the reports into `name`.
    func merge(_ directories: [String], into name: String) throws -> SearchMerge.Tally {
      let shards = try SearchMerge.read(directories: directories)
      let search = try SearchMerge.search(of: shards)
      let store = try SearchStore(
        path: temp.path(name) + "/search.sqlite", inputs: search.inputs, resume: false)
      let merged = try SearchMerge.merge(shards, search: search, jobs: 2, store: store)
      _ = try SearchReports.write(merged.result, search: search, to: temp.path(name))
      return merged.tally
    }

    func text(_ name: String, _ file: String) throws -> String {
      try String(contentsOfFile: temp.path(name) + "/" + file, encoding: .utf8)
    }
  }

  @Test func mergedShardsGiveWhatOneRunGives() throws {
    let files = try Files()
    defer { files.temp.remove() }
    let one = try SearchRunner(space: files.loaded.space, jobs: 2).run()
    #expect(one.outcomes.count == 88)
    #expect(one.outcomes.contains { $0.status == .pruned })
    _ = try SearchReports.write(one, search: files.loaded, to: files.temp.path("one"))
    let rows = try files.text("one", "plans.csv").split(separator: "\n").sorted()
    for n in [1, 2, 3, 7] {
      let directories = try (1...n).map { k in
        try files.runShard(SearchShard(index: k, count: n), into: "n\(n)-s\(k)")
      }
      let tally = try files.merge(directories, into: "n\(n)")
      #expect(try files.text("n\(n)", "plans.csv").split(separator: "\n").sorted() == rows, "N = \(n)")
      #expect(try files.text("n\(n)", "pareto.csv") == files.text("one", "pareto.csv"), "N = \(n)")
      #expect(try files.text("n\(n)", "best.yaml") == files.text("one", "best.yaml"), "N = \(n)")
      // A neighbourhood's outcomes do not depend on how waves fill, so a
      // plan one run simulates was simulated, identically, in its shard,
      // except where one run cuts its capacity search short against a best
      // its shard had not found (SearchRunner.replayed): those the merge
      // simulates again, each only up to the cut.
      let cutShort = one.outcomes.filter { $0.status == .pruned && $0.probes > 0 }.count
      let below = one.outcomes.filter {
        $0.status == .evaluated && $0.probes > 0
          && ($0.objective ?? 0) < (one.best.flatMap { one.outcomes[$0].objective } ?? 0)
      }.count
      #expect(tally.simulatedByMerge <= cutShort + below, "N = \(n)")
      #expect(tally.simulatedByMerge < one.simulated, "N = \(n)")
    }
  }

  @Test func shardsPartitionThePlansByCost() throws {
    let files = try Files()
    defer { files.temp.remove() }
    let plans = PlanEnumerator.plans(files.loaded.space)
    for n in [1, 2, 3, 7] {
      let shardOf = SearchShard.assignment(plans, count: n, requestsPerReplica: 20)
      #expect(shardOf == SearchShard.assignment(plans, count: n, requestsPerReplica: 20))
      #expect(shardOf.allSatisfy { (1...n).contains($0) })
      let parts = (1...n).map { SearchShard(index: $0, count: n).plans(of: plans, requestsPerReplica: 20) }
      let names = parts.flatMap { $0.map(\.name) }
      #expect(names.count == plans.count && Set(names) == Set(plans.map(\.name)))
      // A neighbourhood is never split.
      var home = [String: Int]()
      for (i, plan) in plans.enumerated() {
        #expect(home[SearchRunner.neighbourKey(plan), default: shardOf[i]] == shardOf[i])
        home[SearchRunner.neighbourKey(plan)] = shardOf[i]
      }
    }
    // Balanced by cost, not count: a data-parallel 4 replica's plans cost 4 × one's.
    let two = SearchShard.assignment(plans, count: 2, requestsPerReplica: 20)
    let load = (1...2).map { k in
      plans.indices.filter { two[$0] == k }.reduce(0.0) {
        $0 + SearchShard.cost(plans[$1], requestsPerReplica: 20)
      }
    }
    #expect(load.max()! / load.min()! < 1.5)
    #expect(SearchShard(parsing: "3/7") == SearchShard(index: 3, count: 7))
    for bad in ["0/3", "4/3", "3", "a/b", "1/0"] { #expect(SearchShard(parsing: bad) == nil) }
  }

  @Test func mergeRefusesMissingTwiceForeignOrIncompleteShards() throws {
    let files = try Files()
    defer { files.temp.remove() }
    let s1 = try files.runShard(SearchShard(index: 1, count: 3), into: "s1")
    let s2 = try files.runShard(SearchShard(index: 2, count: 3), into: "s2")
    let s3 = try files.runShard(SearchShard(index: 3, count: 3), into: "s3")
    func refusal(_ directories: [String]) -> SearchMergeError? {
      #expect(throws: SearchMergeError.self) { _ = try files.merge(directories, into: "m") }
    }
    #expect(refusal([s1, s3])?.description == "2 of 3 shards given; missing shard 2/3")
    #expect(refusal([s1, s2, s2, s3])?.description.hasPrefix("shard 2/3 given 2 times") == true)
    let whole = try files.runShard(nil, into: "whole")
    #expect(refusal([s1, s2, whole])?.description.hasPrefix("shards of different counts") == true)
    #expect(refusal([s1, s2, files.temp.path("none")])?.isBadInput == true)
    // A shard store that does not hold exactly its plans (an interrupted shard,
    // or another assignment): refused with the figures.
    let store = try SearchStore(reading: s2 + "/search.sqlite")
    try store.mark(search: files.searchPath, shard: SearchShard(index: 3, count: 3))
    try SearchStore(reading: s3 + "/search.sqlite").mark(
      search: files.searchPath, shard: SearchShard(index: 2, count: 3))
    let swapped = refusal([s1, s2, s3])
    #expect(swapped?.description.contains("holds") == true && swapped?.isBadInput == false)
    // Files changed since the shards ran.
    try TempPlan.workload.replacingOccurrences(of: "requests: 50", with: "requests: 60").write(
      toFile: files.temp.path("workload.yaml"), atomically: true, encoding: .utf8)
    #expect(refusal([s1, s3, s2])?.description.contains("changed since the shards ran") == true)
  }
}
