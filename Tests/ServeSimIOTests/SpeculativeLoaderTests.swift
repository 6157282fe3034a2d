import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// The plan's `speculative:` key: what it reads, what it rejects, and how
/// it is exported.
@Suite struct SpeculativeLoaderTests {
  static func plan(_ speculative: String, model: String = TempPlan.model) throws -> TempPlan {
    try TempPlan(model: model, plan: TempPlan.plan + "\nspeculative: \(speculative)\n")
  }

  @Test func aPlanReadsItsSpeculation() throws {
    let files = try Self.plan("{method: eagle, tokens: 3, acceptance: 0.8}")
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    #expect(plan.speculative?.method == .eagle && plan.speculative?.tokens == 3)
    #expect(plan.speculative?.acceptance == [0.8, 0.8, 0.8])
    let list = try Self.plan("{method: eagle, tokens: 2, acceptance: [0.9, 0.6]}")
    defer { list.remove() }
    #expect(try PlanLoader.load(path: list.planPath).speculative?.acceptance == [0.9, 0.6])
    #expect(plan.speculative?.acceptanceSpread == 0)
    let spread = try Self.plan("{method: eagle, tokens: 2, acceptance: 0.7, acceptance_spread: 0.3}")
    defer { spread.remove() }
    #expect(try PlanLoader.load(path: spread.planPath).speculative?.acceptanceSpread == 0.3)
  }

  @Test(arguments: [
    ("{method: eagle, tokens: 9, acceptance: 0.8}", "speculative.tokens", "9 is too large; valid: 1...8"),
    ("{method: eagle, tokens: 0, acceptance: 0.8}", "speculative.tokens", "0 is too small; valid: 1...8"),
    ("{method: eagle, tokens: 2, acceptance: 1.2}", "speculative.acceptance", "(0, 1]"),
    ("{method: eagle, tokens: 2, acceptance: 0}", "speculative.acceptance", "(0, 1]"),
    ("{method: eagle, tokens: 3, acceptance: [0.9, 0.8]}", "speculative.acceptance", "one per draft token"),
    ("{method: mtp, tokens: 1, acceptance: 0.9}", "speculative.method", "multi-token-prediction"),
    ("{method: medusa, tokens: 1, acceptance: 0.9}", "speculative.method", "Valid: mtp, eagle, draft"),
    (
      "{method: draft, tokens: 2, acceptance: 0.7, draft_model: small.yaml}", "speculative.draft_model",
      "share the target's vocabulary"
    ),
    (
      "{method: eagle, tokens: 2, acceptance: 0.7, draft_model: small.yaml}", "speculative.draft_model",
      "method: draft only"
    ),
    ("{method: eagle, tokens: 2, acceptance: 0.7, topk: 2}", "speculative.topk", "topk"),
    (
      "{method: eagle, tokens: 2, acceptance: 0.7, acceptance_spread: -0.1}", "speculative.acceptance_spread",
      "below the minimum 0"
    ),
    (
      "{method: eagle, tokens: 2, acceptance: 0.7, acceptance_spread: 5}", "speculative.acceptance_spread",
      "above the maximum 4"
    ),
  ])
  func badSpeculationIsAnError(text: String, key: String, message: String) throws {
    let files = try Self.plan(text)
    defer { files.remove() }
    try TempPlan.model.replacingOccurrences(of: "vocab_size: 32000", with: "vocab_size: 128256")
      .replacingOccurrences(of: "name: tiny", with: "name: small")
      .write(toFile: files.path("small.yaml"), atomically: true, encoding: .utf8)
    let error = #expect(throws: ConfigError.self) { try PlanLoader.load(path: files.planPath) }
    #expect(error?.file == files.planPath)
    #expect(error?.line == 8)
    #expect(error?.keyPath == key, "\(error?.keyPath ?? "")")
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
  }

  @Test func mtpNeedsMTPLayersAndADraftModelItsVocabulary() throws {
    let files = try Self.plan(
      "{method: mtp, tokens: 2, acceptance: 0.9}", model: TempPlan.model + "\nmtp_layers: 1\n")
    defer { files.remove() }
    #expect(try PlanLoader.load(path: files.planPath).speculative?.method == .mtp)
    let draft = try Self.plan("{method: draft, tokens: 4, acceptance: 0.6, draft_model: small.yaml}")
    defer { draft.remove() }
    try TempPlan.model.replacingOccurrences(of: "layers: 2", with: "layers: 1")
      .write(toFile: draft.path("small.yaml"), atomically: true, encoding: .utf8)
    #expect(try PlanLoader.load(path: draft.planPath).speculative?.draftModel?.layers == 1)
  }

  @Test func theShippedMTPPlanRunsAndExports() throws {
    let plan = try ExportTests.plan("deepseek-v3-fp8-hgx-h200-mtp.yaml")
    #expect(plan.speculative?.method == .mtp && plan.speculative?.tokens == 3)
    #expect(plan.model.mtpLayers == 1)
    // SGLang caps running requests at 48 under speculation.
    #expect(plan.scheduler.maxNumSeqs == 48)
    let sglang = LaunchCommand.script(plan, engine: .sglang)
    #expect(
      sglang.contains(
        "--speculative-algorithm NEXTN --speculative-num-steps 3 --speculative-eagle-topk 1 --speculative-num-draft-tokens 4"
      ))
    let trtllm = LaunchCommand.script(plan, engine: .trtllm)
    #expect(
      trtllm.contains("speculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: 3\nEOF"))
    var vllm = plan
    vllm.engine = .vllm
    vllm.engineVersion = EngineVersion(0, 11)
    #expect(
      LaunchCommand.script(vllm, engine: .vllm).contains(
        "--speculative-config '{\"method\": \"mtp\", \"num_speculative_tokens\": 3}'"))
    vllm.engineVersion = EngineVersion(0, 8)
    #expect(
      LaunchCommand.script(vllm, engine: .vllm).contains(
        "--speculative-config '{\"num_speculative_tokens\": 3}'"))
  }

  @Test func aSearchTriesDraftTokens() throws {
    let files = try Self.plan("{method: eagle, tokens: 2, acceptance: [0.9, 0.7]}")
    defer { files.remove() }
    let search = """
      name: s
      model: model.yaml
      workload: workload.yaml
      slo: {ttft_ms: 1000, tpot_ms: 100}
      objective: goodput-per-device
      clusters: [{cluster: cluster.yaml}]
      parallelism: {tensor: [1], data: [1]}
      speculative: {method: eagle, tokens: 2, acceptance: [0.9, 0.7]}
      speculative_tokens: [0, 1, 3]
      """
    try search.write(toFile: files.path("search.yaml"), atomically: true, encoding: .utf8)
    let loaded = try SearchLoader.load(path: files.path("search.yaml"))
    #expect(loaded.space.speculativeTokens == [0, 1, 3])
    let plans = PlanEnumerator.plans(loaded.space)
    #expect(plans.map { $0.speculative?.tokens ?? 0 } == [0, 1, 3])
    #expect(plans[2].speculative?.acceptance == [0.9, 0.7, 0.7])
    #expect(plans[1].name.hasSuffix("-eagle1"))
    try
      (search.replacingOccurrences(
        of: "speculative: {method: eagle, tokens: 2, acceptance: [0.9, 0.7]}\n", with: ""))
      .write(toFile: files.path("search.yaml"), atomically: true, encoding: .utf8)
    let error = #expect(throws: ConfigError.self) { try SearchLoader.load(path: files.path("search.yaml")) }
    #expect(error?.keyPath == "speculative_tokens")
  }
}
