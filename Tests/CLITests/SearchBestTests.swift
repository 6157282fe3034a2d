import Foundation
import Testing

/// `best.yaml`, written by `servesim search`, reproduces the best plan's row
/// of `plans.csv` when simulated as is.
@Suite(.serialized) struct SearchBestTests {
  /// The rows of a CSV report (no quoted fields), by column name.
  func table(_ path: String) throws -> [[String: String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    let header = try #require(lines.first).split(separator: ",", omittingEmptySubsequences: false)
    return lines.dropFirst().map { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      return Dictionary(uniqueKeysWithValues: zip(header.map(String.init), fields.map(String.init)))
    }
  }

  @Test func bestYAMLReproducesItsRowOfPlansCSV() throws {
    let out = NSTemporaryDirectory() + "servesim-best-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: out) }
    let cli = CLITests()
    // A small capacity search: one node of H100s, tensor 4 or 8, one scheduler setting.
    let overrides = [
      "parallelism.tensor": "[4, 8]", "parallelism.pipeline": "[1]", "scheduler.max_num_seqs": "[128]",
      "scheduler.max_num_batched_tokens": "[8192]", "clusters": "[{cluster: ../clusters/dgx-h100.yaml}]",
      "capacity.requests_per_replica": "60",
    ]
    let search = try cli.servesim(
      ["search", "plans/search-llama-3.1-70b-h100.yaml", "--out", out, "--quiet"]
        + overrides.keys.sorted().flatMap { ["--set", "\($0)=\(overrides[$0] ?? "")"] })
    #expect(search.status == 0, "\(search.stderr)")
    let best = try String(contentsOfFile: out + "/best.yaml", encoding: .utf8)
    let name = try #require(
      best.split(separator: "\n").first { $0.hasPrefix("name: ") }?.dropFirst("name: ".count))
    let row = try #require(try table(out + "/plans.csv").first { $0["plan"] == String(name) })
    #expect(row["status"] == "evaluated")

    let run = try cli.servesim([
      "simulate", out + "/best.yaml", "--out", out + "/best", "--quiet", "--no-plots",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try #require(try table(out + "/best/summary.csv").first)
    // The probe's request count: requests_per_replica × data.
    #expect(summary["requests"] == "\(60 * (Int(row["data"] ?? "") ?? 0))")
    #expect(summary["completed"] == summary["requests"])
    // The same figures, printed with the same decimals.
    for column in [
      "ttft_p90_ms", "tpot_p90_ms", "e2e_p90_ms", "output_tok_per_s", "slo_attainment",
      "energy_j_per_output_tok", "usd_per_m_output_tok",
    ] {
      #expect(
        summary[column] == row[column],
        "\(column): best.yaml simulates to \(summary[column] ?? "nothing"); plans.csv has \(row[column] ?? "nothing")"
      )
    }
  }
}
