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
    // The README's table: by part of the suite, then by engine and overall.
    #expect(run.stdout.contains("median |error| by part of the suite:"))
    #expect(run.stdout.contains("NVIDIA Hopper / Ampere, no MTP or DP attention"))
    #expect(run.stdout.contains("engine trtllm"))
    let csv = try String(contentsOfFile: root + "/a/validation.csv", encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 7)
    #expect(FileManager.default.fileExists(atPath: root + "/a/validation.svg"))
    // The two rates are the options of one planning choice, judged under
    // each of the three objectives, picked with each of three headrooms.
    #expect(run.stdout.contains("planning choices") && run.stdout.contains("2000 ms, 50 ms"))
    let decisions = try String(contentsOfFile: root + "/a/decisions.csv", encoding: .utf8)
    let lines = decisions.split(separator: "\n")
    #expect(
      lines.count == 10 && lines[0].hasPrefix("suite,choice,slo_ttft_ms,slo_tpot_ms,headroom,options,pick,"))
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("trtllm-online,llama-3.1-8b/h200/467x16,") })
    let again = try cli.servesim([
      "validate", "--suite", "trtllm-online", "--root", root, "--out", root + "/b",
    ])
    #expect(again.status == 0)
    for name in ["validation.csv", "validation.svg", "decisions.csv"] {
      #expect(
        FileManager.default.contents(atPath: root + "/a/" + name)
          == FileManager.default.contents(atPath: root + "/b/" + name))
    }
  }

  /// A root folder with tiny kernel tables (two DeepGEMM rows, two nccl-tests rows).
  func kernelFixture(deepgemmHeader: String = Self.deepgemmHeader) throws -> String {
    let folder = cli.temporaryFolder()
    let files = FileManager.default
    try files.createDirectory(atPath: folder + "/validation", withIntermediateDirectories: true)
    try files.createSymbolicLink(
      atPath: folder + "/clusters", withDestinationPath: CLITests.root.path + "/clusters")
    let scaling = "\"fp8_e4m3 (1x128/128x128 block scaling), bf16 out\""
    try """
    \(deepgemmHeader)
    55ab91f72f76e8a6db0e86282c3169a88d93df1b,2025-03-25,H800,H800,dense,\(scaling),1,64,64,2112,7168,206.0,1688.0,2.7,9.40664295145631
    55ab91f72f76e8a6db0e86282c3169a88d93df1b,2025-03-25,H800,H800,grouped_masked,\(scaling),4,256,1024,7168,2048,815.0,2047.0,1.2,36.889289658895706

    """.write(toFile: folder + "/validation/deepgemm_fp8_gemm.csv", atomically: true, encoding: .utf8)
    try """
    source,collective,gpu,system,nodes,gpus,size_bytes,oop_time_us
    x,all_reduce,H200,2 nodes,2,16,1048576,76.86
    x,all_reduce,MI250X,1 node,1,8,1048576,58.47

    """.write(toFile: folder + "/validation/nccl_tests_allreduce.csv", atomically: true, encoding: .utf8)
    return folder
  }

  /// Whether the printed table has a row whose first cells are `cells`.
  static func hasRow(_ table: String, _ cells: String...) -> Bool {
    table.split(separator: "\n").contains {
      $0.split(separator: " ").prefix(cells.count).map(String.init) == cells
    }
  }

  static let deepgemmHeader =
    "source_commit,readme_date,gpu,gpu_as_stated,kernel_kind,dtype,num_groups,m_per_group,m_total,n,k,tflops,memory_bw_GBps,speedup_vs_internal_cutlass36,time_us_derived"

  @Test func validatePricesKernelTablesAndSaysWhatItSkips() throws {
    let root = try kernelFixture()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let gemm = try cli.servesim(["validate", "--suite", "deepgemm", "--root", root, "--out", root + "/a"])
    #expect(gemm.status == 0, "\(gemm.stderr)")
    #expect(Self.hasRow(gemm.stdout, "deepgemm", "deepgemm", "H800", "kernel_us"))
    #expect(gemm.stdout.contains("2 kernels priced by the cost model (0 could not be priced)"))
    #expect(gemm.stdout.contains("kernels: held out") && !gemm.stdout.contains("experiments ("))
    let csv = try String(contentsOfFile: root + "/a/validation.csv", encoding: .utf8)
    #expect(csv.contains("deepgemm,55ab91f/grouped_masked/g4-m256-n7168-k2048,kernel_us,36.8893,"))
    let nccl = try cli.servesim(["validate", "--suite", "nccl-tests", "--root", root, "--out", root + "/b"])
    #expect(nccl.status == 0, "\(nccl.stderr)")
    #expect(Self.hasRow(nccl.stdout, "nccl-tests", "nccl", "H200", "kernel_us"))
    #expect(nccl.stdout.contains("nccl-tests: GPU not modelled: MI250X: 1"))
  }

  @Test func aKernelTableWithoutAColumnIsBadInput() throws {
    let root = try kernelFixture(
      deepgemmHeader: Self.deepgemmHeader.replacingOccurrences(of: ",num_groups", with: ""))
    defer { try? FileManager.default.removeItem(atPath: root) }
    let run = try cli.servesim(["validate", "--suite", "deepgemm", "--root", root, "--out", root + "/a"])
    #expect(run.status == 64)
    #expect(
      run.stderr.contains("deepgemm_fp8_gemm.csv") && run.stderr.contains("missing column 'num_groups'"))
  }

  @Test func validateRejectsAnUnknownSuite() throws {
    let run = try cli.servesim(["validate", "--suite", "mlperf", "--out", cli.temporaryFolder()])
    #expect(run.status == 64)
    #expect(run.stderr.contains("unknown suite 'mlperf'"))
  }
}
