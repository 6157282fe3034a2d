import Foundation
import Testing

/// `servesim check`, `list` and `export`.
@Suite(.serialized) struct CheckListExportTests {
  let cli = CLITests()

  @Test func checkExitStatusesFollowTheContract() throws {
    let fits = try cli.servesim(["check", "plans/quickstart.yaml"])
    #expect(fits.status == 0, "\(fits.stderr)")
    #expect(fits.stdout.contains("fits: yes") && fits.stdout.contains("KV cache per replica: 27753 blocks"))
    let tooBig = try cli.servesim([
      "check", "plans/llama-3.1-70b-dgx-h100-tp8.yaml", "--set", "parallelism.tensor=1",
    ])
    #expect(tooBig.status == 1)
    #expect(tooBig.stderr.contains("does not fit"))
    let bad = try cli.servesim(["check", "plans/quickstart.yaml", "--set", "precision.weights=fp6"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("precision.weights"))
  }

  @Test(arguments: ["models", "devices", "clusters", "workloads", "plans"])
  func listSummarisesEveryShippedFile(kind: String) throws {
    let run = try cli.servesim(["list", kind])
    #expect(run.status == 0, "\(run.stderr)\(run.stdout)")
    let folder = kind == "devices" ? "clusters/devices" : kind
    let files = try FileManager.default.contentsOfDirectory(atPath: CLITests.root.path + "/" + folder)
      .filter { $0.hasSuffix(".yaml") }
    #expect(run.stdout.split(separator: "\n").count == files.count)
    #expect(!run.stdout.contains("error:"))
  }

  @Test func listRejectsAnUnknownKind() throws {
    let run = try cli.servesim(["list", "gpus"])
    #expect(run.status == 64)
  }

  @Test func exportPrintsEachEnginesCommand() throws {
    let vllm = try cli.servesim(["export", "vllm", "plans/llama-3.1-70b-dgx-h100-dp2-tp4.yaml"])
    #expect(vllm.status == 0)
    #expect(vllm.stdout.contains("vllm serve meta-llama/Llama-3.1-70B-Instruct"))
    #expect(
      vllm.stdout.contains("--tensor-parallel-size 4") && vllm.stdout.contains("--data-parallel-size 2"))
    let sglang = try cli.servesim(["export", "sglang", "plans/quickstart.yaml", "--model", "/m"])
    #expect(sglang.stdout.contains("--model-path /m") && sglang.stdout.contains("--tp-size 1"))
    let trtllm = try cli.servesim([
      "export", "trtllm", "plans/quickstart.yaml", "--set", "parallelism.tensor=2",
    ])
    #expect(trtllm.stdout.contains("--tp_size 2") && trtllm.stdout.contains("--max_batch_size 256"))
    let bad = try cli.servesim(["export", "tgi", "plans/quickstart.yaml"])
    #expect(bad.status == 64)
  }
}

@Suite struct NoSilentFailureTests {
  let cli = CLITests()

  @Test func aRunWhereNothingCompletesExits1WithTheFigures() throws {
    let run = try cli.servesim([
      "simulate", "plans/quickstart.yaml", "--set", "workload.requests=5",
      "--set", "workload.input_tokens={distribution: fixed, value: 200000}", "--out",
      NSTemporaryDirectory() + "servesim-nothing-completes", "--no-plots",
    ])
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stderr.contains("no request completed"))
    #expect(run.stderr.contains("5 of 5 requests have prompt + output longer than the model's context of"))
    #expect(run.stdout.contains("dropped 5 (5 longer than the model's context)"))
  }
}
