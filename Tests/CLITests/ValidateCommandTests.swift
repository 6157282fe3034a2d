import Foundation
import Testing

/// `servesim validate` on a two-experiment fixture (the shipped models and
/// clusters, two rows of the TensorRT-LLM online source).
@Suite(.serialized) struct ValidateCommandTests {
  let cli = CLITests()

  /// A root folder with `validation/` holding two source rows, and links to
  /// the shipped `models/` and `clusters/`.
  func fixture() throws -> String {
    let folder = cli.temporaryFolder()
    let files = FileManager.default
    try files.createDirectory(atPath: folder + "/validation", withIntermediateDirectories: true)
    for name in ["models", "clusters"] {
      try files.createSymbolicLink(
        atPath: folder + "/" + name, withDestinationPath: CLITests.root.path + "/" + name)
    }
    let source = try String(
      contentsOfFile: CLITests.root.path + "/validation/trtllm_online_serving_v0.14.csv", encoding: .utf8)
    let lines = source.split(whereSeparator: \.isNewline)  // the source has CRLF line ends
    let rows = lines.filter { $0.hasPrefix("Llama-3.1-8B,H200,") && $0.contains(",467,16,500,") }.prefix(2)
    try ([lines[0]] + rows).joined(separator: "\n").appending("\n")
      .write(
        toFile: folder + "/validation/trtllm_online_serving_v0.14.csv", atomically: true, encoding: .utf8)
    return folder
  }

  @Test func validateReportsErrorsAndRerunsByteIdentically() throws {
    let root = try fixture()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let run = try cli.servesim(["validate", "--suite", "trtllm-online", "--root", root, "--out", root + "/a"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("med |err|") && run.stdout.contains("trtllm  H200  ttft_mean_ms"))
    #expect(run.stdout.contains("2 experiments (0 could not run), 6 measured figures"))
    let csv = try String(contentsOfFile: root + "/a/validation.csv", encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 7)
    #expect(FileManager.default.fileExists(atPath: root + "/a/validation.svg"))
    let again = try cli.servesim([
      "validate", "--suite", "trtllm-online", "--root", root, "--out", root + "/b",
    ])
    #expect(again.status == 0)
    for name in ["validation.csv", "validation.svg"] {
      #expect(
        FileManager.default.contents(atPath: root + "/a/" + name)
          == FileManager.default.contents(atPath: root + "/b/" + name))
    }
  }

  @Test func validateRejectsAnUnknownSuite() throws {
    let run = try cli.servesim(["validate", "--suite", "mlperf", "--out", cli.temporaryFolder()])
    #expect(run.status == 64)
    #expect(run.stderr.contains("unknown suite 'mlperf'"))
  }
}
