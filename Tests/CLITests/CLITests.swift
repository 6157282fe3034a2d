import Foundation
import Testing

/// End-to-end runs of the built `servesim` tool on the shipped files.
@Suite(.serialized) struct CLITests {
  static let root = CalibrationCLI.root

  /// A run of the built tool (the runner is shared with the calibration tests).
  typealias Run = CalibrationCLI.Run

  func servesim(_ arguments: [String]) throws -> Run { try CalibrationCLI.servesim(arguments) }

  func temporaryFolder() -> String {
    NSTemporaryDirectory() + "servesim-cli-" + UUID().uuidString
  }

  @Test func quickstartRunsAndWritesReports() throws {
    let out = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try servesim(["simulate", "plans/quickstart.yaml", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("TTFT"))
    for name in ["summary.csv", "requests.csv", "iterations.csv"] {
      #expect(FileManager.default.fileExists(atPath: out + "/" + name))
    }
    let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
    #expect(summary.split(separator: "\n")[1].hasPrefix("quickstart,300,300,"))
  }

  @Test(arguments: [
    "plans/llama-3.1-8b-h100.yaml", "plans/llama-3.1-70b-dgx-h100-tp8.yaml",
    "plans/llama-3.1-70b-dgx-h100-dp2-tp4.yaml", "plans/pangu-alpha-13b-atlas-800t-a2.yaml",
    "plans/llama-3.2-1b-apple-m2.yaml", "plans/llama-2-70b-dgx-h100-offline.yaml",
    "plans/llama-3.1-405b-fp8-dgx-h100-x2-pp2-tp8.yaml", "plans/mixtral-8x7b-dgx-h100-ep8.yaml",
    "plans/deepseek-v3-fp8-hgx-h200-x2-ep.yaml", "plans/llama-3.1-70b-dgx-h100-disagg.yaml",
    "plans/llama-3.1-8b-h100-prefix-cache.yaml", "plans/pangu-alpha-200b-atlas-900.yaml",
    "plans/llama-3.1-70b-fp8-hgx-b200-tp4.yaml", "plans/llama-3.1-70b-fp4-hgx-b200-tp2.yaml",
    "plans/llama-3.1-405b-fp4-gb200-nvl72-tp8.yaml", "plans/deepseek-v3-fp8-mi300x-8.yaml",
    "plans/deepseek-v3-fp8-h200-x2-disagg-dep8.yaml", "plans/deepseek-v3-fp4-hgx-b300-tp8.yaml",
  ])
  func shippedPlansRun(plan: String) throws {
    let out = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try servesim([
      "simulate", plan, "--out", out, "--quiet", "--check-invariants", "--set", "workload.requests=120",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8)
    let fields = summary.split(separator: "\n")[1].split(separator: ",")
    #expect(fields[1] == "120")
    #expect(fields[2] == "120")
  }

  @Test func streamingWritesTheSameReports() throws {
    let kept = temporaryFolder()
    let streamed = temporaryFolder()
    defer { for f in [kept, streamed] { try? FileManager.default.removeItem(atPath: f) } }
    let plan = "plans/llama-3.1-8b-h100-prefix-cache.yaml"
    let a = try servesim(["simulate", plan, "--out", kept, "--quiet"])
    let b = try servesim(["simulate", plan, "--out", streamed, "--stream", "--trace"])
    #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
    #expect(b.stderr.contains("streaming reports: no trace"))
    #expect(b.stdout.contains("TTFT"))
    // The CSV files and the latency CDFs are the same bytes; the over-time
    // charts show bin means instead of peaks.
    for name in [
      "summary.csv", "requests.csv", "iterations.csv", "ttft-cdf.svg", "tpot-cdf.svg", "e2e-cdf.svg",
    ] {
      let x = try Data(contentsOf: URL(fileURLWithPath: kept + "/" + name))
      let y = try Data(contentsOf: URL(fileURLWithPath: streamed + "/" + name))
      #expect(x == y, "\(name)")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: streamed).sorted()
    #expect(files == (try FileManager.default.contentsOfDirectory(atPath: kept).sorted()))
    let queue = try String(contentsOfFile: streamed + "/queue.svg", encoding: .utf8)
    #expect(queue.contains("mean per"))
  }

  /// Above 20,000 requests `iterations.csv` is left out unless
  /// `--iteration-log` asks for it; `--no-iteration-log` leaves it out of a
  /// small run too, and `--no-leap` changes no byte.
  @Test func iterationLogByDefaultOnlyForSmallRuns() throws {
    let big = temporaryFolder()
    let forced = temporaryFolder()
    let small = temporaryFolder()
    let stepped = temporaryFolder()
    defer { for f in [big, forced, small, stepped] { try? FileManager.default.removeItem(atPath: f) } }
    let large = [
      "--set", "workload.requests=20001", "--set", "workload.output_tokens={distribution: fixed, value: 2}",
    ]
    let a = try servesim(["simulate", "plans/quickstart.yaml", "--out", big, "--no-plots"] + large)
    #expect(a.status == 0, "\(a.stderr)")
    #expect(a.stderr.contains("iterations.csv left out"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: big).sorted() == ["requests.csv", "summary.csv"])
    let b = try servesim(
      ["simulate", "plans/quickstart.yaml", "--out", forced, "--no-plots", "--quiet", "--iteration-log"]
        + large)
    #expect(b.status == 0 && b.stderr.isEmpty, "\(b.stderr)")
    #expect(FileManager.default.fileExists(atPath: forced + "/iterations.csv"))
    let c = try servesim([
      "simulate", "plans/quickstart.yaml", "--out", small, "--quiet", "--no-iteration-log",
    ])
    #expect(c.status == 0)
    #expect(!FileManager.default.fileExists(atPath: small + "/iterations.csv"))
    let index = try String(contentsOfFile: small + "/index.html", encoding: .utf8)
    #expect(!index.contains("iterations.csv") && index.contains("requests.csv"))
    let d = try servesim(
      ["simulate", "plans/quickstart.yaml", "--out", stepped, "--quiet", "--no-iteration-log", "--no-leap"])
    #expect(d.status == 0)
    for name in try FileManager.default.contentsOfDirectory(atPath: small) {
      let x = try Data(contentsOf: URL(fileURLWithPath: small + "/" + name))
      let y = try Data(contentsOf: URL(fileURLWithPath: stepped + "/" + name))
      #expect(x == y, "\(name)")
    }
  }

  @Test func interruptedStreamingLeavesNoReport() throws {
    let out = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    // Two million requests stream by default; interrupt once writing has begun.
    let process = Process()
    process.executableURL = CalibrationCLI.binary
    process.arguments = [
      "simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--set", "workload.requests=2000000",
      "--iteration-log",
    ]
    process.currentDirectoryURL = CalibrationCLI.root
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(60)
    var started = false
    while Date() < deadline && process.isRunning && !started {
      started = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).count >= 2
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(started, "the run never began writing")
    Thread.sleep(forTimeInterval: 0.3)
    process.interrupt()
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
  }

  @Test func sameSeedSameBytesDifferentSeedDifferentBytes() throws {
    let a = temporaryFolder()
    let b = temporaryFolder()
    let c = temporaryFolder()
    defer { for f in [a, b, c] { try? FileManager.default.removeItem(atPath: f) } }
    for (folder, seed) in [(a, "5"), (b, "5"), (c, "6")] {
      let run = try servesim([
        "simulate", "plans/quickstart.yaml", "--out", folder, "--seed", seed, "--quiet",
      ])
      #expect(run.status == 0)
    }
    for name in ["summary.csv", "requests.csv", "iterations.csv"] {
      let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + name))
      let y = try Data(contentsOf: URL(fileURLWithPath: b + "/" + name))
      let z = try Data(contentsOf: URL(fileURLWithPath: c + "/" + name))
      #expect(x == y)
      #expect(x != z)
    }
  }

  @Test func badInputExits64AndWritesNothing() throws {
    let out = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try servesim([
      "simulate", "plans/quickstart.yaml", "--out", out, "--set", "parallelism.tensor=3",
    ])
    #expect(run.status == 64)
    #expect(run.stderr.contains("plans/quickstart.yaml:"))
    #expect(run.stderr.contains("key 'parallelism.tensor'"))
    #expect(!FileManager.default.fileExists(atPath: out))
    let typo = try servesim(["simulate", "plans/quickstart.yaml", "--set", "workload.arival.rate_per_s=3"])
    #expect(typo.status == 64)
    #expect(typo.stderr.contains("did you mean 'arrival'"))
    let missing = try servesim(["simulate", "plans/nothing.yaml"])
    #expect(missing.status == 64)
    #expect(missing.stderr.contains("no such file"))
  }

  @Test func planThatDoesNotFitExits1WithFigures() throws {
    let run = try servesim([
      "simulate", "plans/llama-3.1-70b-dgx-h100-tp8.yaml", "--set", "parallelism.tensor=1", "--quiet",
    ])
    #expect(run.status == 1)
    #expect(run.stderr.contains("does not fit"))
    #expect(run.stderr.contains("weights need"))
    #expect(run.stderr.contains("would fit: tensor"))
  }
}

@Suite(.serialized) struct SearchCLITests {
  @Test func smallSearchWritesEveryResultAndBestRunsAsIs() throws {
    let out = NSTemporaryDirectory() + "servesim-search-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: out) }
    let cli = CLITests()
    let run = try cli.servesim([
      "search", "plans/search-llama-3.1-70b-h100.yaml", "--out", out, "--quiet", "--jobs", "2",
      "--set", "parallelism.pipeline=[1]", "--set", "scheduler.max_num_seqs=[128]",
      "--set", "scheduler.max_num_batched_tokens=[8192]", "--set",
      "clusters=[{cluster: ../clusters/dgx-h100.yaml}]",
      "--set", "capacity.requests_per_replica=60",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("best (goodput-per-device)"))
    for name in ["plans.csv", "pareto.csv", "pareto.svg", "best.yaml", "best-workload.yaml", "search.sqlite"]
    {
      #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
    }
    let best = try cli.servesim(["simulate", out + "/best.yaml", "--out", out + "/best", "--quiet"])
    #expect(best.status == 0, "\(best.stderr)")
    let bad = try cli.servesim([
      "search", "plans/search-llama-3.1-70b-h100.yaml", "--set", "objective=fastest",
    ])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("objective"))
  }
}
