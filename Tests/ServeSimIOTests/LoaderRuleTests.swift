import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// Plans and searches read through one loader: the same keys, the same
/// rules, and overrides that must apply.
@Suite struct LoaderRuleTests {
  static let traceWorkload = """
    name: replay
    arrival: {process: trace}
    trace: {file: \(TraceFormatTests.sample("azure-llm-2023-code-sample.csv")), format: azure}
    """

  func overrides(_ texts: [String]) throws -> [Override] {
    var out = [Override]()
    for text in texts { out.append(try Override(parsing: text)) }
    return out
  }

  @Test func anOverrideThatDoesNotApplyIsAnError() throws {
    let files = try TempPlan(workload: Self.traceWorkload)
    defer { files.remove() }
    _ = try PlanLoader.load(path: files.planPath)
    let error = #expect(throws: ConfigError.self) {
      try PlanLoader.load(path: files.planPath, overrides: try overrides(["workload.input_tokens.value=512"]))
    }
    #expect(error?.file == files.path("workload.yaml"))
    #expect(error?.keyPath == "input_tokens.value")
    #expect(error?.message.contains("--set workload.input_tokens.value=512 does not apply") == true)
    #expect(error?.message.contains("valid keys here: arrival, name, trace") == true)
    // A key the distribution does not read, and one the arrival process does not.
    let uniform = try TempPlan()
    defer { uniform.remove() }
    let value = #expect(throws: ConfigError.self) {
      try PlanLoader.load(path: uniform.planPath, overrides: try overrides(["workload.input_tokens.value=5"]))
    }
    #expect(value?.message.contains("valid keys here: input_tokens.distribution, input_tokens.max") == true)
    #expect(throws: ConfigError.self) {
      try PlanLoader.load(path: uniform.planPath, overrides: try overrides(["workload.arrival.cv=2"]))
    }
    // Overrides that are read still apply, in every file.
    let plan = try PlanLoader.load(
      path: uniform.planPath,
      overrides: try overrides([
        "workload.input_tokens.min=20", "cluster.device.memory_gb=40", "model.layers=3", "seed=9",
      ]))
    #expect(plan.cluster.device.memoryGB == 40 && plan.model.layers == 3 && plan.seed == 9)
  }

  @Test func int4ActivationsAndSwapAreRejectedByThePlanRules() throws {
    let files = try TempPlan(plan: TempPlan.plan + "\nprecision: {activations: int4}\n")
    defer { files.remove() }
    let error = #expect(throws: ConfigError.self) { try PlanLoader.load(path: files.planPath) }
    #expect(error?.keyPath == "precision.activations" && error?.line == 8)
    let swap = try TempPlan(
      plan: TempPlan.plan.replacingOccurrences(
        of: "scheduler: {max_num_batched_tokens: 512}",
        with: "scheduler: {max_num_batched_tokens: 512, preemption: swap}"))
    defer { swap.remove() }
    let swapError = #expect(throws: ConfigError.self) { try PlanLoader.load(path: swap.planPath) }
    #expect(swapError?.keyPath == "scheduler.preemption")
  }

  func search(_ text: String, in files: TempPlan) throws -> String {
    let path = files.path("search.yaml")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func aSearchRejectsWhatAPlanRejects() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let int4 = try search(
      SearchResumeTests.search
        + "\nprecision: [{weights: bf16}, {weights: int4, activations: int4}]\n", in: files)
    let error = #expect(throws: ConfigError.self) { try SearchLoader.load(path: int4) }
    #expect(error?.keyPath == "precision[1].activations")
    #expect(error?.message.contains("int4 activations are not supported") == true)
    let swap = try search(
      SearchResumeTests.search.replacingOccurrences(
        of: "max_num_batched_tokens: [512]}", with: "max_num_batched_tokens: [512], preemption: swap}"),
      in: files)
    let swapError = #expect(throws: ConfigError.self) { try SearchLoader.load(path: swap) }
    #expect(swapError?.keyPath == "scheduler.preemption")
    let ignored = #expect(throws: ConfigError.self) {
      try SearchLoader.load(
        path: try search(SearchResumeTests.search, in: files),
        overrides: try overrides(["workload.arrival.concurrency=4"]))
    }
    #expect(ignored?.keyPath == "arrival.concurrency")
  }

  @Test func aSearchTakesAPlansSchedulerKeysAndAHuggingFaceConfig() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let path = try search(
      SearchResumeTests.search
        .replacingOccurrences(
          of: "model: model.yaml", with: "model: \(HFConfigTests.config("qwen2-7b-instruct.json"))"
        )
        .replacingOccurrences(
          of: "max_num_batched_tokens: [512]}",
          with: "max_num_batched_tokens: [512], block_size: 32, prefix_caching: false}"),
      in: files)
    let loaded = try SearchLoader.load(path: path, overrides: try overrides(["model.num_hidden_layers=2"]))
    #expect(loaded.space.model.name == "qwen2-7b-instruct" && loaded.space.model.layers == 2)
    #expect(loaded.inputs.files.keys.contains { $0.hasSuffix("qwen2-7b-instruct.json") })
    let plans = PlanEnumerator.plans(loaded.space)
    #expect(!plans.isEmpty)
    #expect(plans.allSatisfy { $0.scheduler.blockSize == 32 && !$0.scheduler.prefixCaching })
  }
}

extension LoaderRuleTests {
  @Test func aSearchClusterMayNameACalibrationStoreThatTheFingerprintCovers() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let store = try CalibrationStore(path: files.path("profiles/round.sqlite"))
    try store.insert([CalibrationStoreTests().sample(device: "round")])
    let path = try search(
      SearchResumeTests.search.replacingOccurrences(
        of: "{cluster: cluster.yaml, max_devices: 2}",
        with: "{cluster: cluster.yaml, max_devices: 2, calibration: profiles/round.sqlite}"),
      in: files)
    let loaded = try SearchLoader.load(path: path)
    #expect(PlanEnumerator.plans(loaded.space).allSatisfy { $0.calibration?.device == "round" })
    let storePath = try #require(loaded.inputs.files.keys.first { $0.hasSuffix("round.sqlite") })
    #expect(loaded.calibrations == ["{file: \(storePath), device: round}"])
    #expect(try SearchLoader.load(path: path).inputs == loaded.inputs)
    try store.insert([CalibrationStoreTests().sample(m: 128, device: "round")])
    let later = try SearchLoader.load(path: path)
    #expect(later.inputs.changes(since: loaded.inputs) == [storePath])
  }
}
