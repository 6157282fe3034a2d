import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Run one serving plan and write summary.csv, requests.csv and iterations.csv (the last up to 20,000 requests, or with --iteration-log).",
    discussion: """
      Also writes SVG plots (latency CDFs, throughput, queue and KV-cache use over time) and an \
      index.html that shows them, unless --no-plots; with --trace, a Perfetto trace.json.

      Examples:
        servesim simulate plans/quickstart.yaml --trace
        servesim simulate plans/quickstart.yaml --set workload.arrival.rate_per_s=12 --out reports/rate12
        servesim simulate plans/quickstart.yaml --seed 7 --check-invariants
      """)

  @OptionGroup var arguments: PlanArguments

  @Option(help: "Output folder (default: reports/<plan name>).")
  var out: String?

  @Option(help: "Random seed (replaces the plan's seed).")
  var seed: UInt64?

  @Flag(help: "Check simulation invariants after every event (slower).")
  var checkInvariants = false

  @Flag(
    help:
      "Also write a Chrome/Perfetto trace, DIR/trace.json (open it in ui.perfetto.dev): iterations per replica and stage, KV-cache and queue counters, request lifecycles."
  )
  var trace = false

  @Flag(help: "Do not write the SVG plots and index.html.")
  var noPlots = false

  @Flag(
    help: ArgumentHelp(
      "Stream the reports: write requests.csv and iterations.csv as the simulation runs and keep only the requests in flight, so memory does not grow with the workload (no trace; over-time plots show bin means). On by default above \(Simulate.streamingThreshold) requests."
    ))
  var stream = false

  /// Workloads of more requests than this stream their reports by default.
  static let streamingThreshold = 1_000_000

  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Write the iteration log, iterations.csv (one row per iteration and pipeline stage). By default it is written for workloads of at most \(Simulate.iterationLogThreshold) requests only: above, it is tens of bytes per iteration and writing it takes longer than the simulation."
    ))
  var iterationLog: Bool?

  /// Workloads of more requests than this leave out `iterations.csv` unless
  /// `--iteration-log` asks for it.
  static let iterationLogThreshold = 20_000

  @Flag(
    help:
      "Step every request through every iteration instead of leaping over quiet decode stretches (slower; the same reports, byte for byte)."
  )
  var noLeap = false

  @Flag(help: "Print only the report paths.")
  var quiet = false

  func simulate(_ planSpec: PlanSpec, iterations: Bool) throws -> SimulationResult {
    let outcome: Result<SimulationResult, SimulationError>
    do {
      var simulator = try Simulator(plan: planSpec, checkInvariants: checkInvariants, leap: !noLeap)
      // The iteration records feed the log, the plots over time and the trace.
      simulator.keepsIterations = iterations || !noPlots || trace
      outcome = .success(try simulator.run())
    } catch {
      outcome = .failure(error)
    }
    switch outcome {
    case .success(let result): return result
    case .failure(let error): throw ExitStatus.fail(error)
    }
  }

  func run() throws {
    BLASThreads.stopIdleWorkers()
    let planSpec = try arguments.load(seed: seed)
    for warning in planSpec.warnings() { Terminal.warn(warning) }
    let directory = out ?? "reports/\(planSpec.name)"
    let expected = RequestGenerator(workload: planSpec.workload, seed: planSpec.seed).expectedCount
    let log = iterationLog ?? ((expected ?? 0) <= Self.iterationLogThreshold)
    if !log && iterationLog == nil && !quiet {
      Terminal.note(
        "iterations.csv left out for more than \(Self.iterationLogThreshold) requests (--iteration-log writes it)"
      )
    }
    if stream || (expected ?? 0) > Self.streamingThreshold {
      try runStreaming(planSpec, directory: directory, iterations: log)
      return
    }
    let started = ContinuousClock.now
    let result = try simulate(planSpec, iterations: log)
    let elapsed = started.duration(to: .now)
    let summary = Summary(result)
    let cleanup = Interruption.removingTemporaryFiles(in: directory)
    defer { cleanup.cancel() }
    let paths: [String]
    do {
      paths = try ReportFiles.write(
        result, summary: summary, to: directory, plots: !noPlots, trace: trace, iterations: log)
    } catch {
      throw ExitStatus.fail(
        "cannot write reports to '\(directory)': \(error.localizedDescription)", status: ExitStatus.cannotRun)
    }
    try report(summary, result: result, elapsed: elapsed, paths: paths)
  }

  /// Simulates while writing the request and iteration reports; an error or
  /// Ctrl-C removes the partial files.
  func runStreaming(_ planSpec: PlanSpec, directory: String, iterations: Bool) throws {
    if !quiet && trace {
      Terminal.note("streaming reports: no trace (it draws every request)")
    }
    var writer: StreamingReports
    do {
      writer = try StreamingReports(
        plan: planSpec, directory: directory, plots: !noPlots, iterations: iterations)
    } catch {
      throw ExitStatus.fail(
        "cannot write reports to '\(directory)': \(error.localizedDescription)", status: ExitStatus.cannotRun)
    }
    let cleanup = Interruption.removingTemporaryFiles(in: directory)
    defer { cleanup.cancel() }
    let started = ContinuousClock.now
    let outcome: Result<SimulationResult, SimulationError>
    do {
      var simulator = try Simulator(plan: planSpec, checkInvariants: checkInvariants, leap: !noLeap)
      simulator.keepsIterations = iterations || !noPlots
      outcome = .success(try simulator.run(streamingTo: &writer))
    } catch {
      outcome = .failure(error)
    }
    let elapsed = started.duration(to: .now)
    let result: SimulationResult
    switch outcome {
    case .success(let value): result = value
    case .failure(let error):
      writer.abandon()
      throw ExitStatus.fail(error)
    }
    let summary: Summary
    let paths: [String]
    do {
      (summary, paths) = try writer.finish(result)
    } catch {
      throw ExitStatus.fail(
        "cannot write reports to '\(directory)': \(error.localizedDescription)", status: ExitStatus.cannotRun)
    }
    try report(summary, result: result, elapsed: elapsed, paths: paths)
  }

  func report(_ summary: Summary, result: SimulationResult, elapsed: Duration, paths: [String]) throws {
    if !quiet {
      print(SummaryTable.render(summary, result: result))
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      print(
        "simulated \(summary.requests) requests, \(summary.iterations) iterations in \(String(format: "%.3f", seconds)) s of wall time"
      )
    }
    print("reports: " + paths.joined(separator: ", "))
    if summary.dropped > 0 {
      Terminal.warn(Self.dropMessage(summary, result: result))
    }
    if summary.completed == 0 && summary.requests > 0 {
      throw ExitStatus.fail(
        "no request completed: \(Self.dropMessage(summary, result: result))", status: ExitStatus.cannotRun)
    }
  }

  /// What was dropped and the limits it broke, with the figures.
  static func dropMessage(_ summary: Summary, result: SimulationResult) -> String {
    let plan = result.plan
    var parts = [String]()
    if summary.drops.contextTooLong > 0 {
      parts.append(
        "\(summary.drops.contextTooLong) of \(summary.requests) requests have prompt + output longer than the model's context of \(plan.model.maxContext) tokens"
      )
    }
    if summary.drops.exceedsKVCache > 0 {
      parts.append(
        "\(summary.drops.exceedsKVCache) of \(summary.requests) requests need more than the \(result.memory.kvTokens / max(plan.parallelism.pipeline, 1)) tokens of KV cache a scheduler holds (give the engine more memory, more tensor parallelism or an 8-bit KV cache)"
      )
    }
    if summary.drops.exceedsSlotContext > 0 {
      parts.append(
        "\(summary.drops.exceedsSlotContext) of \(summary.requests) requests have a prompt of at least a llama.cpp slot's context (raise ctx_size or lower parallel)"
      )
    }
    return parts.isEmpty ? "\(summary.dropped) requests dropped" : parts.joined(separator: "; ")
  }
}

enum Terminal {
  static func error(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  }

  static func note(_ message: String) {
    FileHandle.standardError.write(Data("note: \(message)\n".utf8))
  }

  static func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
  }
}

/// Removes this process's temporary report files (`AtomicWriter`'s hidden
/// `.NAME.PID.tmp`) when it is interrupted (SIGINT, SIGTERM), then exits with
/// 128 + the signal, as shells expect: an interrupted run leaves no report,
/// whole or partial.
final class Interruption {
  private var sources: [DispatchSourceSignal] = []

  static func removingTemporaryFiles(in directory: String) -> Interruption {
    let handler = Interruption()
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        AtomicWriter.removeTemporaryFiles(in: directory)
        exit(ExitStatus.interrupted(by: number))
      }
      source.resume()
      handler.sources.append(source)
    }
    return handler
  }

  func cancel() {
    for source in sources { source.cancel() }
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
