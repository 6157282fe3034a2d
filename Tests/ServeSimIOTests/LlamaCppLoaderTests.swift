import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// `engine: {name: llamacpp, ...}` in plan files, and `export llamacpp`.
@Suite struct LlamaCppLoaderTests {
  func load(engine: String, extra: String = "") throws -> PlanSpec {
    let files = try TempPlan(plan: TempPlan.plan + "\nengine: \(engine)" + extra)
    defer { files.remove() }
    return try PlanLoader.load(path: files.planPath)
  }

  @Test func optionsSetSlotsBudgetAndContext() throws {
    let plan = try load(
      engine:
        "{name: llamacpp, parallel: 2, ctx_size: 4096, batch_size: 1024, ubatch_size: 256, kv_unified: true}"
    )
    #expect(plan.release == EngineRelease(.llamacpp, EngineVersion(0, 3)))
    #expect(plan.llamacpp?.slots == 2 && plan.llamacpp?.unified == true)
    #expect(plan.llamacpp?.ubatchSize == 256 && plan.llamacpp?.ctxSize == 4096)
    // The plan file's scheduler sets max_num_batched_tokens 512, which wins.
    #expect(plan.scheduler.maxNumSeqs == 2 && plan.scheduler.maxNumBatchedTokens == 512)
    #expect(plan.scheduler.policy == .sarathi && !plan.scheduler.prefixCaching)
  }

  @Test func aPlainNameTakesTheServerDefaults() throws {
    let plan = try load(engine: "llamacpp")
    #expect(plan.llamacpp == LlamaCppOptions())
    #expect(plan.scheduler.maxNumSeqs == 4)
  }

  @Test func llamaCppOptionsOnAnotherEngineAreAnError() throws {
    let files = try TempPlan(plan: TempPlan.plan + "\nengine: {name: vllm, parallel: 2}")
    defer { files.remove() }
    #expect(throws: ConfigError.self) { try PlanLoader.load(path: files.planPath) }
    do {
      _ = try PlanLoader.load(path: files.planPath)
    } catch {
      #expect(error.keyPath == "engine.parallel" && error.message.contains("name: llamacpp"))
    }
  }

  @Test func exportPrintsTheLlamaServerCommand() throws {
    var plan = try load(
      engine: "{name: llamacpp, parallel: 2, ctx_size: 4096, batch_size: 1024, ubatch_size: 256, threads: 6}")
    plan.precision.weights = .q4KM
    let script = LaunchCommand.script(plan, engine: .llamacpp)
    for part in [
      "llama-server --model tiny-Q4_K_M.gguf", "--ctx-size 4096", "--parallel 2", "--batch-size 1024",
      "--ubatch-size 256", "--threads 6", "--no-kv-unified",
    ] {
      #expect(script.contains(part), "\(part) missing in \(script)")
    }
  }
}
