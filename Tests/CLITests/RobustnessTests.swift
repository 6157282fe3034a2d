import Foundation
import Testing

/// Bad input fails clearly (exit 64, nothing written); extreme but legal
/// input runs; `--trace` and the plots are written with the reports.
@Suite(.serialized) struct RobustnessTests {
  let cli = CLITests()

  func summaryRow(_ folder: String) throws -> [String: String] {
    let text = try String(contentsOfFile: folder + "/summary.csv", encoding: .utf8)
    let lines = text.split(separator: "\n")
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let values = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return Dictionary(uniqueKeysWithValues: zip(header, values))
  }

  @Test(arguments: [
    (["--set", "workload.arrival.rate_per_s=fast"], "key 'arrival.rate_per_s'"),
    (["--set", "scheduler.block_size=0"], "scheduler.block_size"),
    (["--set", "model=../Tests/ServeSimIOTests/Fixtures/hf/gemma-2-2b.json"], "architectures"),
    (["--set", "model.layers=2147483647"], "layers"),
    (["--set", "cluster.nodes=9223372036854775807"], "nodes"),
    (["--set", "cluster.device.memory_gb=1e300"], "memory_gb"),
    (["--set", "workload=../workloads/nothing.yaml"], "workload"),
    (
      ["--set", "workload.arrival={process: trace}", "--set", "workload.trace={file: ../README.md}"],
      "unrecognised trace header"
    ),
  ])
  func inputErrorsExit64AndWriteNothing(arguments: [String], mention: String) throws {
    let out = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try cli.servesim(["simulate", "plans/quickstart.yaml", "--out", out, "--trace"] + arguments)
    #expect(run.status == 64, "\(run.stderr)")
    #expect(run.stderr.hasPrefix("error: "))
    #expect(run.stderr.contains(mention), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func traceAndPlotsAreWrittenWithTheReports() throws {
    let out = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try cli.servesim([
      "simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--trace", "--set",
      "workload.requests=40",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(
      names == [
        "e2e-cdf.svg", "index.html", "iterations.csv", "kv-cache.svg", "queue.svg", "requests.csv",
        "summary.csv", "throughput.svg", "tpot-cdf.svg", "trace.json", "ttft-cdf.svg",
      ])
    let trace = try Data(contentsOf: URL(fileURLWithPath: out + "/trace.json"))
    #expect(try JSONSerialization.jsonObject(with: trace) is [String: Any])
    let bare = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: bare) }
    _ = try cli.servesim(["simulate", "plans/quickstart.yaml", "--out", bare, "--quiet", "--no-plots"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: bare).count == 3)
  }

  @Test(arguments: [
    ["--set", "workload.requests=1"],
    ["--set", "workload.output_tokens={distribution: fixed, value: 1}"],
    [
      "--set", "workload.input_tokens={distribution: fixed, value: 1}", "--set",
      "workload.output_tokens={distribution: fixed, value: 1}",
    ],
  ])
  func tinyWorkloadsRun(arguments: [String]) throws {
    let out = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try cli.servesim(
      ["simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--check-invariants"] + arguments)
    #expect(run.status == 0, "\(run.stderr)")
    let row = try summaryRow(out)
    #expect(row["completed"] == row["requests"])
    for (key, value) in row where key != "plan" {
      #expect(!value.lowercased().contains("nan") && !value.contains("inf"), "\(key)=\(value)")
    }
  }

  @Test func rateFarAboveCapacityQueuesAndCompletes() throws {
    let out = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try cli.servesim([
      "simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--set",
      "workload.arrival.rate_per_s=100000",
      "--set", "workload.requests=400",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let row = try summaryRow(out)
    #expect(row["completed"] == "400")
    // Arrivals take 4 ms; the queue holds them for seconds.
    #expect((Double(row["queue_mean_ms"] ?? "") ?? 0) > 1000)
  }

  @Test func contextLongerThanTheModelIsDroppedAndCounted() throws {
    let out = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try cli.servesim([
      "simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--set", "workload.requests=20",
      "--set", "workload.input_tokens={distribution: uniform, min: 100, max: 200000}",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let row = try summaryRow(out)
    let dropped = Int(row["dropped"] ?? "") ?? 0
    #expect(dropped > 0 && dropped < 20)
    let requests = try String(contentsOfFile: out + "/requests.csv", encoding: .utf8)
    #expect(requests.contains("context_too_long"))
  }

  @Test func traceFormatsReplayFromTheCommandLine() throws {
    for (sample, format) in [
      ("azure-llm-2023-code-sample.csv", "azure"), ("apex-sample.jsonl", "apex"),
      ("mooncake-sample.jsonl", "mooncake"), ("burstgpt-sample.csv", "burstgpt"),
    ] {
      let out = cli.temporaryFolder()
      defer { try? FileManager.default.removeItem(atPath: out) }
      let run = try cli.servesim([
        "simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--set",
        "workload.arrival={process: trace}",
        "--set", "workload.trace={file: samples/\(sample), format: \(format), rate_per_s: 4}",
      ])
      #expect(run.status == 0, "\(sample): \(run.stderr)")
    }
  }
}
