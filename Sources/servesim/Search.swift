import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

struct Search: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Search for the best serving plan under latency SLOs.",
    discussion: """
      Writes DIR/plans.csv (every plan: feasible or why not, pruned or why, capacity,
      metrics), DIR/pareto.csv and DIR/pareto.svg (over the plans simulated in full;
      --no-prune: every feasible plan), DIR/best.yaml (runs as is with
      `servesim simulate`) and DIR/search.sqlite (resume a killed search with --resume).
      Many machines: `--shard K/N --out DIR` searches the K-th of N shards (balanced by
      estimated cost) and writes DIR/search.sqlite only; `--merge DIR... --out DIR` joins
      the N shard stores into the files one run writes (docs/search-shards.md).
      """)

  @Argument(help: "The search file (YAML); not given with --merge.")
  var search: String?

  @Option(help: "Search only shard K of N (K/N, 1 ≤ K ≤ N) and write its store.")
  var shard: String?

  @Option(
    parsing: .upToNextOption,
    help: "Merge the stores of shards 1 to N of a search (folders written by --shard) into --out.")
  var merge: [String] = []

  @OptionGroup var overrides: OverrideArguments

  @Option(help: "Output folder (default: reports/<search name>).")
  var out: String?

  @Option(help: "Plans simulated in parallel (default: the number of cores).")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(
    help:
      "Resume from DIR/search.sqlite, reusing the outcomes it holds; refused (exit 1, naming what changed) when a file the search reads, the --set overrides or the servesim version changed since they were saved."
  )
  var resume = false

  @Flag(help: "With --resume: when the inputs changed, recompute instead of refusing.")
  var force = false

  @Flag(
    help:
      "Simulate every feasible plan's capacity in full: no plan is skipped by its bound or cut short once it cannot beat the best, so plans.csv and pareto.csv cover them all (slower). Not with --shard or --merge."
  )
  var noPrune = false

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if force && !resume { throw ValidationError("--force applies to --resume") }
    if merge.isEmpty && search == nil { throw ValidationError("give the search file (or --merge DIR...)") }
    if !merge.isEmpty && (search != nil || shard != nil || resume) {
      throw ValidationError("--merge takes shard folders only (the search file is recorded in their stores)")
    }
    if !merge.isEmpty && out == nil { throw ValidationError("--merge needs --out DIR") }
    if noPrune && (!merge.isEmpty || shard != nil) {
      throw ValidationError("--no-prune runs one whole search; shards and their merge prune")
    }
    if let shard, SearchShard(parsing: shard) == nil {
      throw ValidationError("--shard takes K/N with 1 ≤ K ≤ N (for example 2/7), not '\(shard)'")
    }
  }

  func run() throws {
    BLASThreads.stopIdleWorkers()
    if !merge.isEmpty { return try runMerge() }
    let search = self.search ?? ""
    let part = shard.flatMap(SearchShard.init(parsing:))
    let loaded: LoadedSearch
    do {
      loaded = try SearchLoader.load(path: search, overrides: try overrides.parsed())
    } catch {
      throw ExitStatus.fail(error)
    }
    let directory = out ?? "reports/\(loaded.space.name)"
    let store: SearchStore
    let previous: [String: SearchOutcome]
    do {
      store = try SearchStore(
        path: (directory as NSString).appendingPathComponent("search.sqlite"), inputs: loaded.inputs,
        resume: resume, force: force)
      if resume, let saved = try store.meta("shard"),
        saved != (part ?? SearchShard(index: 1, count: 1)).description
      {
        throw ExitStatus.fail(
          "'\(store.path)' holds shard \(saved), not \(part?.description ?? "1/1"); resume it with --shard \(saved)",
          status: ExitStatus.badInput)
      }
      if resume, let saved = try store.meta("prune"), saved != (noPrune ? "off" : "on") {
        throw ExitStatus.fail(
          "'\(store.path)' holds a search run \(saved == "off" ? "with" : "without") --no-prune; resume it \(saved == "off" ? "with" : "without") --no-prune",
          status: ExitStatus.badInput)
      }
      try store.mark(search: search, shard: part)
      try store.mark(prune: !noPrune)
      previous = resume ? try store.load(plans: PlanEnumerator.plans(loaded.space)) : [:]
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw ExitStatus.fail(error)
    }
    if !store.discarded.isEmpty {
      Terminal.note(
        "recomputing every outcome (--force); changed since they were saved: "
          + store.discarded.joined(separator: "; "))
    }
    let started = ContinuousClock.now
    let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0, started: started)
    var runner = SearchRunner(space: loaded.space, jobs: jobs)
    runner.shard = part
    runner.prune = !noPrune
    let result = try runner.run(previous: previous, progress: { bar.show($0) }, save: { try store.save($0) })
    bar.finish()
    let elapsed = started.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    if let part {
      let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
      print(
        "search \(loaded.space.name) shard \(part): \(result.outcomes.count) plans, \(counts[.infeasible] ?? 0) infeasible, \(counts[.pruned] ?? 0) pruned, \(result.simulated) simulated in \(String(format: "%.1f", seconds)) s with \(jobs) jobs; store: \(store.path)"
      )
      return
    }
    let paths: [String]
    do {
      paths = try SearchReports.write(result, search: loaded, to: directory)
    } catch {
      throw ExitStatus.fail(
        "cannot write the search results to '\(directory)': \(error)", status: ExitStatus.cannotRun)
    }
    let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
    print(
      "search \(loaded.space.name): \(result.outcomes.count) plans enumerated, \(counts[.infeasible] ?? 0) infeasible, \(counts[.pruned] ?? 0) pruned, \(counts[.evaluated] ?? 0) simulated (\(result.outcomes.reduce(0) { $0 + $1.probes }) simulations) in \(String(format: "%.1f", seconds)) s with \(jobs) jobs\(previous.isEmpty ? "" : " (\(previous.count) outcomes resumed)")"
    )
    Self.printBest(result, objective: loaded.space.objective, paths: paths)
  }

  /// Prints the best plan (or that none meets the SLO) and the files written.
  static func printBest(_ result: SearchResult, objective: SearchObjective, paths: [String]) {
    if let best = result.best {
      let o = result.outcomes[best]
      print(
        "best (\(objective.rawValue)): \(o.plan.name): capacity \(String(format: "%.3f", o.capacity)) req/s on \(o.plan.devices) devices, objective \(String(format: "%.4f", o.objective ?? 0))"
      )
    } else {
      print("no plan meets the SLO and the requirement")
    }
    print("results: " + paths.joined(separator: ", "))
  }
}

/// A one-line progress bar on standard error, redrawn in place.
struct ProgressBar: Sendable {
  let enabled: Bool
  let started: ContinuousClock.Instant

  func show(_ p: SearchProgress) {
    guard enabled, p.total > 0 else { return }
    let fraction = Double(p.done) / Double(p.total)
    let width = 24
    let filled = Int(fraction * Double(width))
    let elapsed = started.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let left = fraction > 0 ? seconds / fraction - seconds : 0
    var line =
      "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
    line +=
      "\(p.done)/\(p.total) plans, \(p.evaluated) simulated, \(p.infeasible) infeasible, \(p.pruned) pruned"
    if let best = p.bestValue { line += String(format: ", best %.4f", best) }
    line += String(format: ", ~%.0f s left ", left)
    FileHandle.standardError.write(Data(line.utf8))
  }

  func finish() {
    if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
