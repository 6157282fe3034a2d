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
    (["--set", "slo.headroom=0.95"], "slo.headroom"),
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

  /// What a replayed trace must load: its request count and, for rows 0, 1,
  /// 7 and the last, the arrival (seconds after the first row, as written in
  /// the file) and the prompt and output tokens.
  struct TraceSample: Sendable, CustomStringConvertible {
    var file: String
    var format: String
    var count: Int
    var rows: [(row: Int, seconds: Double, input: Int, output: Int)]
    var description: String { file }
  }

  static let traceSamples = [
    // TIMESTAMP dates: 18:15:46.6805900 is the origin.
    TraceSample(
      file: "azure-llm-2023-code-sample.csv", format: "azure", count: 20,
      rows: [(0, 0, 4808, 10), (1, 0.052, 3180, 8), (7, 1.016041, 34, 23), (19, 30.482726, 6587, 18)]),
    // StartTimeOffset in nanoseconds.
    TraceSample(
      file: "apex-sample.jsonl", format: "apex", count: 20,
      rows: [(0, 0, 374, 44), (1, 4.314579, 396, 109), (7, 8.251431, 388, 84), (19, 13.025088, 1353, 142)]),
    // timestamp in milliseconds.
    TraceSample(
      file: "mooncake-sample.jsonl", format: "mooncake", count: 20,
      rows: [(0, 0, 374, 44), (1, 4.315, 396, 109), (7, 8.251, 388, 84), (19, 13.025, 1353, 142)]),
    // Seconds from 5; the 8th row (0 response tokens, a failed request) is skipped.
    TraceSample(
      file: "burstgpt-sample.csv", format: "burstgpt", count: 19,
      rows: [(0, 0, 374, 44), (1, 4, 396, 109), (7, 8, 242, 14), (18, 13, 1353, 142)]),
  ]

  @Test(arguments: traceSamples)
  func traceFormatsReplayFromTheCommandLine(sample: TraceSample) throws {
    let out = cli.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: out) }
    let run = try cli.servesim([
      "simulate", "plans/quickstart.yaml", "--out", out, "--quiet", "--no-plots", "--set",
      "workload.arrival={process: trace}",
      "--set", "workload.trace={file: samples/\(sample.file), format: \(sample.format)}",
    ])
    #expect(run.status == 0, "\(sample.file): \(run.stderr)")
    let text = try String(contentsOfFile: out + "/requests.csv", encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let header = try #require(lines.first).map(String.init)
    let arrival = try #require(header.firstIndex(of: "arrival_s"))
    let input = try #require(header.firstIndex(of: "input_tokens"))
    let output = try #require(header.firstIndex(of: "output_tokens"))
    let requests = lines.dropFirst().map { $0.map(String.init) }
    #expect(requests.count == sample.count, "\(sample.file)")
    for expected in sample.rows where expected.row < requests.count {
      let row = requests[expected.row]
      let seconds = Double(row[arrival]) ?? -1
      #expect(
        abs(seconds - expected.seconds) < 2e-6,
        "\(sample.file) row \(expected.row): arrival \(seconds) s, expected \(expected.seconds) s")
      #expect(
        row[input] == "\(expected.input)" && row[output] == "\(expected.output)",
        "\(sample.file) row \(expected.row): tokens \(row[input])/\(row[output]), expected \(expected.input)/\(expected.output)"
      )
    }
  }
}
