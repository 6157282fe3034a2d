import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

@Suite struct PlanLoaderTests {
  /// Loads a plan whose files are the valid ones but for the given changes and
  /// returns the error.
  func error(
    model: String = TempPlan.model, device: String = TempPlan.device,
    cluster: String = TempPlan.cluster, workload: String = TempPlan.workload,
    plan: String = TempPlan.plan, overrides: [String] = []
  ) throws -> ConfigError {
    let files = try TempPlan(
      model: model, device: device, cluster: cluster, workload: workload, plan: plan)
    defer { files.remove() }
    do {
      var parsed = [Override]()
      for o in overrides { parsed.append(try Override(parsing: o)) }
      _ = try PlanLoader.load(path: files.planPath, overrides: parsed)
    } catch {
      return error
    }
    Issue.record("expected an error")
    return ConfigError(file: "", line: nil, keyPath: nil, message: "")
  }

  @Test func loadsAValidPlanWithEngineDefaults() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    #expect(plan.model.heads == 8)
    #expect(plan.parallelism.tensor == 2)
    #expect(plan.scheduler.maxNumBatchedTokens == 512)
    #expect(plan.scheduler.maxNumSeqs == 256)  // vLLM's default under 70 GiB
    #expect(plan.scheduler.blockSize == 16)
    #expect(plan.scheduler.prefixCaching)  // vLLM V1 caches prefixes by default
    #expect(plan.cluster.device.memoryGB == 20)
    #expect(plan.seed == 3)
  }

  @Test func prefixCachingFollowsTheEngineWhereItIsModelled() throws {
    func load(_ lines: String) throws -> PlanSpec {
      let files = try TempPlan(plan: TempPlan.plan + "\n" + lines)
      defer { files.remove() }
      return try PlanLoader.load(path: files.planPath)
    }
    #expect(try load("engine: sglang").scheduler.prefixCaching)
    #expect(try !load("engine: mindie").scheduler.prefixCaching)
    // Static batching and disaggregated pools have no prefix cache model:
    // the default turns off rather than making the plan invalid.
    let staticPlan = TempPlan.plan.replacingOccurrences(
      of: "scheduler: {max_num_batched_tokens: 512}",
      with: "scheduler: {max_num_batched_tokens: 512, policy: static}")
    let files = try TempPlan(plan: staticPlan)
    defer { files.remove() }
    #expect(try !PlanLoader.load(path: files.planPath).scheduler.prefixCaching)
    let off = TempPlan.plan.replacingOccurrences(
      of: "scheduler: {max_num_batched_tokens: 512}",
      with: "scheduler: {max_num_batched_tokens: 512, prefix_caching: false}")
    let explicit = try TempPlan(plan: off)
    defer { explicit.remove() }
    #expect(try !PlanLoader.load(path: explicit.planPath).scheduler.prefixCaching)
  }

  @Test func unknownKeySuggestsTheNearest() throws {
    let e = try error(model: TempPlan.model + "\nhiden_size: 3")
    #expect(e.file.hasSuffix("model.yaml"))
    #expect(e.line == 10)
    #expect(e.keyPath == "hiden_size")
    #expect(e.message.contains("did you mean 'hidden_size'"))
  }

  @Test func unknownNestedKeyNamesTheFullPath() throws {
    let e = try error(plan: TempPlan.plan.replacingOccurrences(of: "{tensor: 2}", with: "{tensr: 2}"))
    #expect(e.keyPath == "parallelism.tensr")
    #expect(e.line == 5)
    #expect(e.message.contains("'tensor'"))
  }

  @Test func wrongTypeSaysWhatWasFound() throws {
    let e = try error(model: TempPlan.model.replacingOccurrences(of: "layers: 2", with: "layers: two"))
    #expect(e.keyPath == "layers")
    #expect(e.line == 2)
    #expect(e.message.contains("whole number"))
    #expect(e.message.contains("'two'"))
  }

  @Test func missingFieldIsNamed() throws {
    let e = try error(model: TempPlan.model.replacingOccurrences(of: "vocab_size: 32000\n", with: ""))
    #expect(e.keyPath == "vocab_size")
    #expect(e.message.contains("missing"))
  }

  @Test func negativeRateIsRejected() throws {
    let e = try error(
      workload: TempPlan.workload.replacingOccurrences(of: "rate_per_s: 20", with: "rate_per_s: -2"))
    #expect(e.file.hasSuffix("workload.yaml"))
    #expect(e.keyPath == "arrival.rate_per_s")
    #expect(e.line == 2)
    #expect(e.message.contains("greater than 0"))
  }

  @Test func anExactRateNeedsDrawnGapsAndACount() throws {
    let closed = try error(
      workload: TempPlan.workload.replacingOccurrences(
        of: "{process: poisson, rate_per_s: 20}", with: "{process: closed, concurrency: 4, exact_rate: true}")
    )
    #expect(closed.keyPath == "arrival.exact_rate")
    #expect(closed.line == 2)
    #expect(closed.message.contains("poisson or gamma"))
    let timed = try error(
      workload: TempPlan.workload.replacingOccurrences(
        of: "rate_per_s: 20}", with: "rate_per_s: 20, exact_rate: true}"
      ).replacingOccurrences(of: "requests: 50", with: "duration_s: 10"))
    #expect(timed.keyPath == "arrival.exact_rate")
    #expect(timed.message.contains("requests"))
    let files = try TempPlan(
      workload: TempPlan.workload.replacingOccurrences(
        of: "rate_per_s: 20}", with: "rate_per_s: 20, exact_rate: true}"))
    defer { files.remove() }
    #expect(try PlanLoader.load(path: files.planPath).workload.exactRate == true)
  }

  @Test func moreTensorRanksThanDevices() throws {
    let e = try error(overrides: ["parallelism.tensor=16"])
    #expect(e.file.hasSuffix("plan.yaml"))
    #expect(e.keyPath == "parallelism.tensor")
    #expect(e.message.contains("has 8"))
  }

  @Test func headsNotDivisibleByTensor() throws {
    let e = try error(plan: TempPlan.plan.replacingOccurrences(of: "{tensor: 2}", with: "{tensor: 3}"))
    #expect(e.keyPath == "parallelism.tensor")
    #expect(e.line == 5)
    #expect(e.message.contains("not divisible"))
    #expect(e.message.contains("valid: 1, 2, 4, 8"))
  }

  @Test func missingFileNamesWhereItWasReferenced() throws {
    let e = try error(plan: TempPlan.plan.replacingOccurrences(of: "model.yaml", with: "nope.yaml"))
    #expect(e.file.hasSuffix("plan.yaml"))
    #expect(e.line == 2)
    #expect(e.keyPath == "model")
    #expect(e.message.contains("no such file"))
  }

  @Test func yamlSyntaxErrorHasALine() throws {
    let e = try error(workload: TempPlan.workload + "\ninput_tokens: [unclosed")
    #expect(e.file.hasSuffix("workload.yaml"))
    #expect(e.line != nil)
    #expect(e.message.contains("YAML syntax error"))
  }

  @Test func badEnumSuggests() throws {
    let e = try error(plan: TempPlan.plan + "\nengine: vlm")
    #expect(e.keyPath == "engine")
    #expect(e.message.contains("did you mean 'vllm'"))
  }

  @Test func overridesReachNamedFiles() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let plan = try PlanLoader.load(
      path: files.planPath,
      overrides: [
        try Override(parsing: "workload.arrival.rate_per_s=7.5"),
        try Override(parsing: "model.layers=4"),
        try Override(parsing: "cluster.device.memory_gb=40"),
        try Override(parsing: "parallelism.data=2"),
        try Override(parsing: "scheduler.max_num_seqs=9"),
      ])
    #expect(plan.workload.arrival == .poisson(rate: 7.5))
    #expect(plan.model.layers == 4)
    #expect(plan.cluster.device.memoryGB == 40)
    #expect(plan.parallelism.data == 2)
    #expect(plan.scheduler.maxNumSeqs == 9)
  }

  @Test func overrideOfAnUnknownKeyIsAnError() throws {
    let e = try error(overrides: ["schedular.max_num_seqs=3"])
    #expect(e.keyPath == "schedular")
    #expect(e.message.contains("did you mean 'scheduler'"))
    #expect(throws: ConfigError.self) { try Override(parsing: "novalue") }
  }

  @Test func traceColumnErrorsNameTheRow() throws {
    let files = try TempPlan(
      workload: """
        name: w
        arrival: {process: poisson, rate_per_s: 1}
        requests: 5
        input_tokens: {distribution: trace, file: t.csv, column: num_prefill_tokens}
        output_tokens: {distribution: fixed, value: 3}
        """)
    defer { files.remove() }
    try "num_prefill_tokens\n12\nabc\n".write(toFile: files.path("t.csv"), atomically: true, encoding: .utf8)
    do {
      _ = try PlanLoader.load(path: files.planPath)
      Issue.record("expected an error")
    } catch {
      #expect(error.file.hasSuffix("t.csv"))
      #expect(error.line == 3)
      #expect(error.message.contains("'abc'"))
    }
  }
}
