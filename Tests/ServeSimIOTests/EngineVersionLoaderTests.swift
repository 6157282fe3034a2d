import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// `engine: {name: vllm, version: "0.8"}` in plan and search files.
@Suite struct EngineVersionLoaderTests {
  func load(engine: String) throws -> PlanSpec {
    let files = try TempPlan(plan: TempPlan.plan + "\nengine: \(engine)")
    defer { files.remove() }
    return try PlanLoader.load(path: files.planPath)
  }

  func error(engine: String) throws -> ConfigError {
    let files = try TempPlan(plan: TempPlan.plan + "\nengine: \(engine)")
    defer { files.remove() }
    do {
      _ = try PlanLoader.load(path: files.planPath)
    } catch {
      return error
    }
    Issue.record("engine \(engine) loaded")
    return ConfigError(file: "", line: nil, keyPath: nil, message: "")
  }

  /// `engine: {cuda_graph_max_batch: N}` sets the largest decode batch in a
  /// CUDA graph; it must be a batch size, and the engine must capture graphs.
  @Test func theGraphLimitIsReadAndChecked() throws {
    #expect(try load(engine: "sglang").cudaGraphMaxBatch == nil)
    #expect(try load(engine: "{name: sglang, cuda_graph_max_batch: 512}").cudaGraphMaxBatch == 512)
    let zero = try error(engine: "{name: vllm, cuda_graph_max_batch: 0}")
    #expect(zero.keyPath == "engine.cuda_graph_max_batch")
    let eager = try error(engine: "{name: trtllm, version: \"0.19\", cuda_graph_max_batch: 64}")
    #expect(
      eager.keyPath == "engine.cuda_graph_max_batch" && eager.message.contains("replays no CUDA graphs"))
  }

  /// `engine: {tokenize_us_per_token: X}` sets the API server's
  /// tokenisation time (0 for clients that send token IDs); it cannot be
  /// negative.
  @Test func theTokenisationTimeIsReadAndChecked() throws {
    #expect(try load(engine: "vllm").tokenizeUsPerToken == nil)
    let ids = try load(engine: "{name: vllm, tokenize_us_per_token: 0}")
    #expect(ids.tokenizeUsPerToken == 0)
    #expect(EngineProfile.of(plan: ids).tokenizeUsPerToken == 0)
    let negative = try error(engine: "{name: sglang, tokenize_us_per_token: -1}")
    #expect(negative.keyPath == "engine.tokenize_us_per_token" && negative.message.contains("minimum"))
  }

  @Test func aPlainNameIsTheNewestModelledRelease() throws {
    let plan = try load(engine: "vllm")
    #expect(plan.release == EngineRelease(.vllm, EngineVersion(0, 14)))
    #expect(try load(engine: "{name: sglang}").release == EngineRelease(.sglang, EngineVersion(0, 5)))
  }

  @Test func aVersionSelectsItsReleaseDefaults() throws {
    let v06 = try load(engine: "{name: vllm, version: \"0.6\"}")
    #expect(v06.release.version == EngineVersion(0, 6))
    // vLLM 0.6 (V0): 256 sequences, no prefix caching; the tiny model's
    // 8K context is short, so no chunking and a budget of max(8192, 2048).
    // The plan file sets max_num_batched_tokens 512.
    #expect(v06.scheduler.maxNumSeqs == 256 && !v06.scheduler.prefixCaching)
    #expect(!v06.scheduler.chunkedPrefill && v06.scheduler.maxNumBatchedTokens == 512)
    let v08 = try load(engine: "{name: vllm, version: \"0.8.5\"}")
    #expect(v08.release.version == EngineVersion(0, 8) && v08.scheduler.chunkedPrefill)
  }

  @Test func aVersionBetweenModelledOnesTakesTheOlder() throws {
    #expect(try load(engine: "{name: vllm, version: \"0.9\"}").release.version == EngineVersion(0, 8))
    #expect(try load(engine: "{name: vllm, version: 0.10}").release.version == EngineVersion(0, 8))
    #expect(try load(engine: "{name: vllm, version: \"0.12\"}").release.version == EngineVersion(0, 11))
    #expect(try load(engine: "{name: trtllm, version: \"1.2\"}").release.version == EngineVersion(1, 0))
  }

  @Test func anUnknownVersionIsAnErrorNamingTheModelledOnes() throws {
    let old = try error(engine: "{name: vllm, version: \"0.5\"}")
    #expect(old.file.hasSuffix("plan.yaml") && old.line == 8 && old.keyPath == "engine.version")
    #expect(
      old.message.contains("older than every modelled version")
        && old.message.contains("0.6, 0.8, 0.11, 0.14"))
    let text = try error(engine: "{name: sglang, version: latest}")
    #expect(text.keyPath == "engine.version" && text.message.contains("0.4, 0.5"))
    let key = try error(engine: "{name: vllm, release: \"0.8\"}")
    #expect(key.keyPath == "engine.release" && key.message.contains("Valid keys: name, version"))
    let name = try error(engine: "vlm")
    #expect(name.keyPath == "engine" && name.message.contains("did you mean 'vllm'"))
  }

  @Test func theCustomAllReduceKernelCanBeTurnedOffAndTheExportSaysSo() throws {
    #expect(try load(engine: "vllm").customAllReduce)
    let off = try load(engine: "{name: vllm, version: \"0.8\", custom_all_reduce: false}")
    #expect(!off.customAllReduce && off.release.version == EngineVersion(0, 8))
    #expect(LaunchCommand.script(off, engine: .vllm).contains("--disable-custom-all-reduce"))
    #expect(LaunchCommand.script(off, engine: .sglang).contains("--disable-custom-all-reduce"))
    #expect(LaunchCommand.script(off, engine: .trtllm).contains("allreduce_strategy: NCCL"))
    let on = try load(engine: "{name: vllm, custom_all_reduce: true}")
    #expect(!LaunchCommand.script(on, engine: .vllm).contains("custom-all-reduce"))
    let bad = try error(engine: "{name: vllm, custom_all_reduce: maybe}")
    #expect(bad.keyPath == "engine.custom_all_reduce")
  }

  /// SGLang's `--scheduler-recv-interval` (from 0.5): read, exported, and
  /// refused for other engines and SGLang 0.4.
  @Test func sglangsReceiveIntervalIsReadExportedAndRefusedElsewhere() throws {
    #expect(try load(engine: "sglang").schedulerRecvInterval == 1)
    let plan = try load(engine: "{name: sglang, scheduler_recv_interval: 30}")
    #expect(plan.schedulerRecvInterval == 30)
    #expect(LaunchCommand.script(plan, engine: .sglang).contains("--scheduler-recv-interval 30"))
    let vllm = LaunchCommand.script(plan, engine: .vllm)
    #expect(!vllm.contains("recv-interval") && vllm.contains("scheduler_recv_interval 30 is SGLang's"))
    var old = plan
    old.engineVersion = EngineVersion(0, 4)
    let s04 = LaunchCommand.script(old, engine: .sglang)
    #expect(!s04.contains("--scheduler-recv-interval 30") && s04.contains("has no --scheduler-recv-interval"))
    let other = try error(engine: "{name: vllm, scheduler_recv_interval: 30}")
    #expect(
      other.keyPath == "engine.scheduler_recv_interval"
        && other.message.contains("valid only with name: sglang"))
    let v04 = try error(engine: "{name: sglang, version: \"0.4\", scheduler_recv_interval: 30}")
    #expect(
      v04.keyPath == "engine.scheduler_recv_interval" && v04.message.contains("valid from version \"0.5\""))
    let zero = try error(engine: "{name: sglang, scheduler_recv_interval: 0}")
    #expect(zero.keyPath == "engine.scheduler_recv_interval")
  }

  /// `--set engine.version=0.6` on a plan with a plain `engine: vllm` keeps
  /// the name.
  @Test func anOverrideSetsTheVersionOfAPlainEngine() throws {
    let files = try TempPlan(plan: TempPlan.plan + "\nengine: sglang")
    defer { files.remove() }
    let plan = try PlanLoader.load(
      path: files.planPath, overrides: [try Override(parsing: "engine.version=0.4.9")])
    #expect(plan.release == EngineRelease(.sglang, EngineVersion(0, 4)))
  }

  @Test func aSearchTakesEngineReleases() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let search = SearchResumeTests.search + "\nengines: [vllm, {name: vllm, version: \"0.6\"}]\n"
    let path = files.path("search.yaml")
    try search.write(toFile: path, atomically: true, encoding: .utf8)
    let space = try SearchLoader.load(path: path).space
    #expect(space.engines == [EngineRelease(.vllm), EngineRelease(.vllm, EngineVersion(0, 6))])
    let plans = PlanEnumerator.plans(space)
    #expect(plans.contains { $0.release.version == EngineVersion(0, 6) && $0.name.contains("vllm0.6") })
    #expect(plans.contains { $0.release.isNewest })
  }
}
