import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// Redundant experts from a plan file to each engine's launch command, and
/// the InferenceMAX wide-EP runs that need them.
@Suite struct RedundantExpertsIOTests {
  static let shipped = "deepseek-v3-fp8-gb200-nvl72-dep24.yaml"

  @Test func theShippedPlanHoldsCopiesAndServes() throws {
    let plan = try ExportTests.plan(Self.shipped)
    #expect(plan.parallelism.redundantExperts == 32 && plan.parallelism.expert == 24)
    #expect(plan.validate().isEmpty)
    // Without the copies the plan is refused with the counts that fit.
    var bare = plan
    bare.parallelism.redundantExperts = 0
    let refused = bare.validate().first { $0.keyPath == "parallelism.expert" }?.message ?? ""
    #expect(refused.contains("redundant_experts 8, 32"))
    var small = plan
    small.workload.requests = 40
    var simulator = try Simulator(plan: small)
    let summary = Summary(try simulator.run())
    #expect(summary.completed == 40)
  }

  @Test func aPlanFileGivesThemAndRefusesBadCounts() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("servesim-redundant-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try String(contentsOfFile: ExportTests.root + "/plans/" + Self.shipped, encoding: .utf8)
      .replacingOccurrences(of: "../", with: ExportTests.root + "/")
    let negative = dir.appendingPathComponent("negative.yaml").path
    try source.replacingOccurrences(of: "redundant_experts: 32", with: "redundant_experts: -1")
      .write(toFile: negative, atomically: true, encoding: .utf8)
    #expect(throws: (any Error).self) { try PlanLoader.load(path: negative) }
    let eight = dir.appendingPathComponent("eight.yaml").path
    try source.replacingOccurrences(of: "redundant_experts: 32", with: "redundant_experts: 8")
      .write(toFile: eight, atomically: true, encoding: .utf8)
    #expect(try PlanLoader.load(path: eight).parallelism.redundantExperts == 8)
  }

  @Test func eachEngineLaunchesThemItsWay() throws {
    var plan = try ExportTests.plan(Self.shipped)
    // Each release's form, or a note where it has none.
    let expected: [(ExportEngine, EngineVersion, String)] = [
      (.sglang, EngineVersion(0, 5), "--ep-num-redundant-experts 32"),
      (.sglang, EngineVersion(0, 4), "--ep-num-redundant-experts 32"),
      (.vllm, EngineVersion(0, 11), "--enable-eplb --num-redundant-experts 32"),
      (.vllm, EngineVersion(0, 14), "--enable-eplb --eplb-config '{\"num_redundant_experts\":32}'"),
      (.vllm, EngineVersion(0, 8), "no expert-parallel load balancer"),
      (.trtllm, EngineVersion(1, 0), "  load_balancer:\n    num_slots: 288"),
      (.trtllm, EngineVersion(0, 19), "no expert load balancer"),
    ]
    for (engine, version, text) in expected {
      plan.engine = engine.kind
      plan.engineVersion = version
      #expect(LaunchCommand.script(plan, engine: engine).contains(text), "\(engine.rawValue) \(version)")
    }
    // The flags are those of each release's parser.
    for (engine, version) in [(EngineKind.sglang, EngineVersion(0, 4)), (.vllm, EngineVersion(0, 11))] {
      plan.engine = engine
      plan.engineVersion = version
      let flags = try ExportVersionTests.flags(EngineRelease(engine, version))
      let script = LaunchCommand.script(plan, engine: engine == .vllm ? .vllm : .sglang)
      for (flag, _) in ExportTests.arguments(script) {
        #expect(flags[flag] != nil, "\(engine) \(version): \(flag)")
      }
    }
  }

  /// InferenceMAX's SGLang wide-EP runs over 24 and 48 GPUs replay with the
  /// recipe's 32 copies (they could not run without); runs whose degrees
  /// divide the 256 experts replay without any.
  @Test func wideEPRunsThatNeedCopiesReplayWithThem() throws {
    let rows = try ValidationSuite.load(root: ExportTests.root, suite: "inferencemax").experiments
    let gb200 = try ExportTests.plan(Self.shipped)
    let dep48 = try #require(
      rows.first { $0.id.hasPrefix("gb200/dynamo-sglang/p4xdep4-d1xdep48/1024x1024/c2048/") })
    #expect(dep48.recipeRedundantExperts == 32)
    let plan = ValidationReplay.plan(dep48, model: gb200.model, cluster: gb200.cluster)
    #expect(plan.parallelism.redundantExperts == 32 && plan.validate().isEmpty)
    let dividing = try #require(rows.first { $0.id.hasPrefix("gb200/dynamo-sglang/p1xdep4-d4xdep4/") })
    #expect(
      ValidationReplay.plan(dividing, model: gb200.model, cluster: gb200.cluster).parallelism.redundantExperts
        == 0)
    #expect(rows.allSatisfy { $0.recipeRedundantExperts == 0 || ($0.engine == .sglang && $0.pools != nil) })
  }
}
