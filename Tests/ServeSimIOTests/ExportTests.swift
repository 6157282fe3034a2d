import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// Launch commands for the serving engines, checked against golden files
/// written from the engines' documented flags (versions in LaunchCommand).
@Suite struct ExportTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  static func plan(_ name: String) throws -> PlanSpec {
    try PlanLoader.load(path: root + "/plans/" + name)
  }

  /// Golden files: each engine's command for a plan with tensor, pipeline and
  /// expert parallelism and fp8 weights, and for a data-parallel plan.
  @Test(arguments: ExportEngine.allCases)
  func goldenExport(engine: ExportEngine) throws {
    let moe = try Self.plan("deepseek-v3-fp8-hgx-h200-x2-ep.yaml")
    try expectGolden(LaunchCommand.script(moe, engine: engine), "export-\(engine.rawValue)-deepseek-v3.sh")
    let dp = try Self.plan("llama-3.1-70b-dgx-h100-dp2-tp4.yaml")
    try expectGolden(LaunchCommand.script(dp, engine: engine), "export-\(engine.rawValue)-llama-dp2-tp4.sh")
  }

  @Test func flagsFollowThePlan() throws {
    var plan = try Self.plan("quickstart.yaml")
    plan.scheduler.chunkedPrefill = false
    plan.scheduler.prefixCaching = true
    plan.precision.kvCache = .fp8
    let vllm = LaunchCommand.script(plan, engine: .vllm, model: "/models/llama")
    #expect(vllm.contains("vllm serve /models/llama"))
    #expect(vllm.contains("--enable-chunked-prefill False") && vllm.contains("--enable-prefix-caching"))
    #expect(vllm.contains("--kv-cache-dtype fp8"))
    let sglang = LaunchCommand.script(plan, engine: .sglang)
    #expect(sglang.contains("--chunked-prefill-size -1") && !sglang.contains("--disable-radix-cache"))
    let trtllm = LaunchCommand.script(plan, engine: .trtllm)
    #expect(trtllm.contains("enable_chunked_prefill: false") && trtllm.contains("enable_block_reuse: true"))
    #expect(trtllm.contains("dtype: fp8"))
    #expect(LaunchCommand.fraction(0.9) == "0.9" && LaunchCommand.fraction(0.885) == "0.885")
  }
}
