import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

/// `servesim search --merge DIR... --out DIR`: the shards' stores joined into
/// the files one run writes.
extension Search {
  func runMerge() throws {
    let directory = out ?? "."
    let started = ContinuousClock.now
    let shards: [SearchMerge.Shard]
    let loaded: LoadedSearch
    let store: SearchStore
    do {
      shards = try SearchMerge.read(directories: merge)
      loaded = try SearchMerge.search(of: shards)
      store = try SearchStore(
        path: (directory as NSString).appendingPathComponent("search.sqlite"), inputs: loaded.inputs,
        resume: false)
      try store.mark(search: shards[0].search, shard: nil)
    } catch let error as SearchMergeError {
      throw ExitStatus.fail(
        error.description, status: error.isBadInput ? ExitStatus.badInput : ExitStatus.cannotRun)
    } catch {
      throw ExitStatus.fail(error)
    }
    let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0, started: started)
    let merged: (result: SearchResult, tally: SearchMerge.Tally)
    do {
      merged = try SearchMerge.merge(
        shards, search: loaded, jobs: jobs, store: store, progress: { bar.show($0) })
    } catch let error as SearchMergeError {
      throw ExitStatus.fail(
        error.description, status: error.isBadInput ? ExitStatus.badInput : ExitStatus.cannotRun)
    }
    bar.finish()
    let paths: [String]
    do {
      paths = try SearchReports.write(merged.result, search: loaded, to: directory)
    } catch {
      throw ExitStatus.fail(
        "cannot write the search results to '\(directory)': \(error)", status: ExitStatus.cannotRun)
    }
    let elapsed = started.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let result = merged.result
    let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
    print(
      "merged \(shards.count) shards of search \(loaded.space.name): \(result.outcomes.count) plans, \(counts[.infeasible] ?? 0) infeasible, \(counts[.pruned] ?? 0) pruned, \(counts[.evaluated] ?? 0) evaluated; \(merged.tally.simulatedInShards) plans simulated in the shards, \(merged.tally.simulatedByMerge) simulated again by the merge, in \(String(format: "%.1f", seconds)) s"
    )
    Self.printBest(result, objective: loaded.space.objective, paths: paths)
  }
}
