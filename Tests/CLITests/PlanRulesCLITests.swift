import Foundation
import Testing

/// Every command that reads a plan or search file accepts the same files and
/// rejects the same mistakes; overrides must apply; a resumed search refuses
/// outcomes computed from other inputs.
@Suite(.serialized) struct PlanRulesCLITests {
  let cli = CLITests()

  @Test func int4ActivationsAreRejectedByEveryCommand() throws {
    let int4 = ["--set", "precision.activations=int4"]
    for command in [["check"], ["simulate"], ["export", "vllm"]] {
      let run = try cli.servesim(command + ["plans/quickstart.yaml"] + int4)
      #expect(run.status == 64, "\(command): \(run.stderr)")
      #expect(run.stderr.contains("plans/quickstart.yaml:9: key 'precision.activations'"), "\(run.stderr)")
      #expect(run.stderr.contains("int4 activations are not supported"))
    }
    let search = try cli.servesim([
      "search", "plans/search-llama-3.1-70b-h100.yaml", "--set",
      "precision=[{weights: bf16}, {weights: int4, activations: int4}]",
    ])
    #expect(search.status == 64, "\(search.stderr)")
    #expect(search.stderr.contains("key 'precision[1].activations'"))
    #expect(search.stderr.contains("int4 activations are not supported"))
  }

  @Test func anOverrideThatDoesNotApplyExits64() throws {
    let run = try cli.servesim([
      "check", "plans/quickstart.yaml", "--set", "workload=../workloads/azure-conversation-replay.yaml",
      "--set", "workload.input_tokens.value=512",
    ])
    #expect(run.status == 64)
    #expect(run.stderr.contains("azure-conversation-replay.yaml: key 'input_tokens.value'"), "\(run.stderr)")
    #expect(run.stderr.contains("valid keys here: arrival, name, trace"))
  }

  @Test func resumeRefusesOutcomesOfAnEditedModelAndForceRecomputes() throws {
    let folder = NSTemporaryDirectory() + "servesim-resume-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let root = CLITests.root.path
    let model = folder + "/model.yaml"
    try FileManager.default.copyItem(atPath: root + "/models/llama-3.2-1b.yaml", toPath: model)
    try """
    name: tiny-search
    model: model.yaml
    workload: \(root)/workloads/short-chat.yaml
    slo: {ttft_ms: 2000, tpot_ms: 100}
    clusters: [{cluster: \(root)/clusters/dgx-h100.yaml, max_devices: 1}]
    parallelism: {tensor: [1]}
    scheduler: {max_num_seqs: [64], max_num_batched_tokens: [2048]}
    capacity: {requests_per_replica: 10, tolerance: 0.5, max_rate: 50}
    """.write(toFile: folder + "/search.yaml", atomically: true, encoding: .utf8)
    let search = ["search", folder + "/search.yaml", "--out", folder + "/out", "--quiet", "--jobs", "1"]
    let first = try cli.servesim(search)
    #expect(first.status == 0, "\(first.stderr)")
    let same = try cli.servesim(search + ["--resume"])
    #expect(same.status == 0 && same.stdout.contains("(1 outcomes resumed)"), "\(same.stderr)")
    let text = try String(contentsOfFile: model, encoding: .utf8)
    try text.replacingOccurrences(of: "vocab_size: 128256", with: "vocab_size: 128000")
      .write(toFile: model, atomically: true, encoding: .utf8)
    let stale = try cli.servesim(search + ["--resume"])
    #expect(stale.status == 1)
    #expect(stale.stderr.contains("changed since: " + model), "\(stale.stderr)")
    let forced = try cli.servesim(search + ["--resume", "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(forced.stderr.contains("recomputing every outcome") && !forced.stdout.contains("resumed"))
    // A store resumes only with the pruning it was run with.
    let exhaustive = try cli.servesim(search + ["--resume", "--no-prune"])
    #expect(
      exhaustive.status == 64 && exhaustive.stderr.contains("without --no-prune"), "\(exhaustive.stderr)")
    let whole = try cli.servesim(search + ["--no-prune"])
    #expect(whole.status == 0 && whole.stdout.contains(" 0 pruned"), "\(whole.stdout)")
    let merged = try cli.servesim([
      "search", "--merge", folder + "/out", "--out", folder + "/m", "--no-prune",
    ])
    #expect(merged.status == 64 && merged.stderr.contains("--no-prune"), "\(merged.stderr)")
  }
}
