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
    plan.engineVersion = EngineVersion(0, 8)
    let vllm = LaunchCommand.script(plan, engine: .vllm, model: "/models/llama")
    #expect(vllm.contains("vllm serve /models/llama"))
    #expect(vllm.contains("VLLM_USE_V1=0 vllm serve"))
    #expect(vllm.contains("--no-enable-chunked-prefill") && vllm.contains("--enable-prefix-caching"))
    #expect(vllm.contains("--kv-cache-dtype fp8"))
    let sglang = LaunchCommand.script(plan, engine: .sglang)
    #expect(sglang.contains("--chunked-prefill-size -1") && !sglang.contains("--disable-radix-cache"))
    let trtllm = LaunchCommand.script(plan, engine: .trtllm)
    #expect(trtllm.contains("enable_chunked_prefill: false") && trtllm.contains("enable_block_reuse: true"))
    #expect(trtllm.contains("dtype: fp8"))
    #expect(LaunchCommand.fraction(0.9) == "0.9" && LaunchCommand.fraction(0.885) == "0.885")
  }

  /// An engine's command-line arguments: each flag, and the values it accepts
  /// (nil: a number; ["*"]: any text; empty: a switch that takes no value).
  typealias Flags = [String: Set<String>?]

  /// vLLM 0.8.5 `vllm serve`, read from the PyPI wheel
  /// (vllm-0.8.5-cp38-abi3-manylinux1_x86_64.whl, 2026-11-27):
  /// `EngineArgs.add_cli_args` in vllm/engine/arg_utils.py, where a bool
  /// config field becomes an argparse.BooleanOptionalAction (--x and --no-x)
  /// and a Literal field its choices (BlockSize, CacheDType in vllm/config.py;
  /// QuantizationMethods in vllm/model_executor/layers/quantization).
  static let vllmFlags: Flags = [
    "--tensor-parallel-size": nil, "--pipeline-parallel-size": nil, "--data-parallel-size": nil,
    "--enable-expert-parallel": [], "--no-enable-expert-parallel": [],
    "--dtype": ["auto", "half", "float16", "bfloat16", "float", "float32"],
    "--quantization": [
      "aqlm", "awq", "deepspeedfp", "tpu_int8", "fp8", "ptpc_fp8", "fbgemm_fp8", "modelopt", "nvfp4",
      "marlin", "bitblas", "gguf", "gptq_marlin_24", "gptq_marlin", "gptq_bitblas", "awq_marlin", "gptq",
      "compressed-tensors", "bitsandbytes", "qqq", "hqq", "experts_int8", "neuron_quant", "ipex", "quark",
      "moe_wna16", "torchao",
    ],
    "--kv-cache-dtype": ["auto", "fp8", "fp8_e4m3", "fp8_e5m2"],
    "--max-num-seqs": nil, "--max-num-batched-tokens": nil,
    "--enable-chunked-prefill": [], "--no-enable-chunked-prefill": [],
    "--enable-prefix-caching": [], "--no-enable-prefix-caching": [],
    "--block-size": ["1", "8", "16", "32", "64", "128"], "--gpu-memory-utilization": nil,
    "--speculative-config": ["*"],
  ]

  /// SGLang 0.4.9 `sglang.launch_server`, read from the PyPI wheel
  /// (sglang-0.4.9-py3-none-any.whl, 2026-11-27): `ServerArgs.add_cli_args`
  /// in sglang/srt/server_args.py.
  static let sglangFlags: Flags = [
    "--model-path": ["*"], "--tp-size": nil, "--pp-size": nil, "--dp-size": nil, "--ep-size": nil,
    "--enable-ep-moe": [], "--dtype": ["auto", "half", "float16", "bfloat16", "float", "float32"],
    "--quantization": [
      "awq", "fp8", "gptq", "marlin", "gptq_marlin", "awq_marlin", "bitsandbytes", "gguf", "modelopt",
      "modelopt_fp4", "w8a8_int8", "w8a8_fp8", "moe_wna16", "qoq",
    ],
    "--kv-cache-dtype": ["auto", "fp8_e5m2", "fp8_e4m3"], "--max-running-requests": nil,
    "--chunked-prefill-size": nil, "--max-prefill-tokens": nil, "--disable-radix-cache": [],
    "--page-size": nil, "--mem-fraction-static": nil, "--enable-hierarchical-cache": [],
    "--hicache-size": nil,
    // DP attention with DeepEP (0.4.9 server_args.py: store_true switches).
    "--enable-dp-attention": [], "--enable-deepep-moe": [],
    // Redundant experts (0.4.9 server_args.py: an int).
    "--ep-num-redundant-experts": nil,
    "--speculative-algorithm": ["EAGLE", "EAGLE3", "NEXTN"], "--speculative-num-steps": nil,
    "--speculative-eagle-topk": nil, "--speculative-num-draft-tokens": nil,
    "--speculative-draft-model-path": ["*"],
    // server_args.py (0.4.9): an int.
    "--cuda-graph-max-bs": nil,
  ]

  /// The flags and values of an exported command (its last, multi-line statement).
  static func arguments(_ script: String) -> [(flag: String, value: String?)] {
    let command = script.split(separator: "\n").filter { !$0.hasPrefix("#") }
      .map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : String($0) }.joined(separator: " ")
    let words = command.split(separator: " ").map(String.init)
    var result = [(flag: String, value: String?)]()
    var i = 0
    while i < words.count {
      if words[i].hasPrefix("--") {
        let next = i + 1 < words.count && !words[i + 1].hasPrefix("--") ? words[i + 1] : nil
        result.append((words[i], next))
        i += next == nil ? 1 : 2
      } else {
        i += 1
      }
    }
    return result
  }

  /// Every shipped plan, and variants that turn on each exported switch,
  /// exports only flags and values the engine's parser accepts.
  @Test(arguments: [ExportEngine.vllm, .sglang])
  func engineFlags(engine: ExportEngine) throws {
    let table = engine == .vllm ? Self.vllmFlags : Self.sglangFlags
    var checked = 0
    // The tables are vLLM 0.8.5's and SGLang 0.4.9's.
    for var plan in try ExportVersionTests.plans() {
      plan.engine = engine.kind
      plan.engineVersion = engine == .vllm ? EngineVersion(0, 8) : EngineVersion(0, 4)
      for (flag, value) in Self.arguments(LaunchCommand.script(plan, engine: engine)) {
        guard let accepted = table[flag] else {
          Issue.record("\(plan.name): \(engine.rawValue) has no \(flag)")
          continue
        }
        checked += 1
        if let accepted {
          if accepted.isEmpty {
            #expect(value == nil, "\(plan.name): \(flag) is a switch but got '\(value ?? "")'")
          } else if accepted == ["*"] {
            #expect(value != nil, "\(plan.name): \(flag) needs a value")
          } else {
            #expect(value.map(accepted.contains) == true, "\(plan.name): \(flag) \(value ?? "(none)")")
          }
        } else {
          #expect(value != nil && Double(value ?? "") != nil, "\(plan.name): \(flag) needs a number")
        }
      }
    }
    #expect(checked > 100)
  }
}

/// Exports checked against each modelled engine release's own flag list,
/// read from its wheel by `scripts/engine-flags` and committed under
/// Fixtures/engine-flags (TensorRT-LLM's from its documentation).
@Suite struct ExportVersionTests {
  /// Every modelled release of the engines `export` targets.
  static let releases: [EngineRelease] = ExportEngine.allCases.flatMap { engine in
    EngineRelease.modelled(engine.kind).map { EngineRelease(engine.kind, $0) }
  }

  /// The flags of `release` and what each takes ("switch", "bool", "value"
  /// or "choices A B ...").
  static func flags(_ release: EngineRelease) throws -> [String: String] {
    let path =
      ExportTests.root
      + "/Tests/ServeSimIOTests/Fixtures/engine-flags/\(release.engine.rawValue)-\(release.version).txt"
    var flags = [String: String]()
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    where !line.hasPrefix("#") {
      let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
      flags[parts[0]] = parts.count > 1 ? parts[1] : "value"
    }
    return flags
  }

  /// Every shipped plan, and variants that turn on each exported switch.
  static func plans() throws -> [PlanSpec] {
    var plans = [PlanSpec]()
    for name in try FileManager.default.contentsOfDirectory(atPath: ExportTests.root + "/plans").sorted()
    where name.hasSuffix(".yaml") && !name.hasPrefix("search-") {
      plans.append(try ExportTests.plan(name))
    }
    var variant = try ExportTests.plan("quickstart.yaml")
    variant.scheduler.chunkedPrefill = false
    variant.scheduler.prefixCaching = true
    variant.precision.kvCache = .fp8
    variant.precision.weights = .fp8
    plans.append(variant)
    variant.scheduler.prefixCaching = false
    variant.scheduler.chunkedPrefill = true
    variant.precision.activations = .fp16
    plans.append(variant)
    variant.schedulerRecvInterval = 30
    plans.append(variant)
    variant.cudaGraphMaxBatch = 1024
    plans.append(variant)
    return plans
  }

  /// `engine: {cuda_graph_max_batch: N}` is each engine's own option:
  /// SGLang's --cuda-graph-max-bs, vLLM 0.11's --cuda-graph-sizes (0.14's
  /// --max-cudagraph-capture-size),
  /// TensorRT-LLM 1.0's cuda_graph_config; older releases without a flag get
  /// a note, never a flag their parser lacks.
  @Test func theGraphLimitIsEachEnginesOption() throws {
    var plan = try ExportTests.plan("quickstart.yaml")
    plan.cudaGraphMaxBatch = 1024
    let cases: [(EngineKind, EngineVersion, ExportEngine, String)] = [
      (.sglang, EngineVersion(0, 5), .sglang, "--cuda-graph-max-bs 1024"),
      (.vllm, EngineVersion(0, 11), .vllm, "--cuda-graph-sizes 1024"),
      (.vllm, EngineVersion(0, 14), .vllm, "--max-cudagraph-capture-size 1024"),
      (.vllm, EngineVersion(0, 8), .vllm, "cudagraph_capture_sizes"),
      (
        .trtllm, EngineVersion(1, 0), .trtllm,
        "cuda_graph_config:\n  enable_padding: true\n  max_batch_size: 1024"
      ),
      (.trtllm, EngineVersion(0, 19), .trtllm, "cuda_graph_max_batch 1024 is not exported"),
    ]
    for (kind, version, engine, expected) in cases {
      plan.engine = kind
      plan.engineVersion = version
      let script = LaunchCommand.script(plan, engine: engine)
      #expect(script.contains(expected), "\(kind) \(version)")
      if version == EngineVersion(0, 8) || version == EngineVersion(0, 14) {
        #expect(!script.contains("--cuda-graph-sizes"))
      }
    }
    plan.cudaGraphMaxBatch = nil
    plan.engine = .sglang
    #expect(!LaunchCommand.script(plan, engine: .sglang).contains("--cuda-graph-max-bs"))
  }

  @Test func releasesDifferWhereTheirParsersDo() throws {
    var plan = try ExportTests.plan("deepseek-v3-fp8-hgx-h200-x2-ep.yaml")
    plan.engine = .vllm
    plan.engineVersion = EngineVersion(0, 6)
    let v06 = LaunchCommand.script(plan, engine: .vllm)
    #expect(!v06.contains("--enable-expert-parallel") && v06.contains("has no expert parallelism"))
    #expect(v06.contains("--enable-chunked-prefill True") || v06.contains("--enable-chunked-prefill False"))
    plan.engineVersion = EngineVersion(0, 8)
    #expect(LaunchCommand.script(plan, engine: .vllm).contains("--enable-expert-parallel"))
    plan.engine = .sglang
    plan.engineVersion = EngineVersion(0, 4)
    #expect(LaunchCommand.script(plan, engine: .sglang).contains("--enable-ep-moe"))
    plan.engineVersion = EngineVersion(0, 5)
    let s05 = LaunchCommand.script(plan, engine: .sglang)
    #expect(!s05.contains("--enable-ep-moe") && s05.contains("--ep-size"))
    var unchunked = try ExportTests.plan("quickstart.yaml")
    unchunked.scheduler.chunkedPrefill = false
    unchunked.engineVersion = EngineVersion(0, 11)
    let v011 = LaunchCommand.script(unchunked, engine: .vllm)
    #expect(!v011.contains("VLLM_USE_V1=0") && v011.contains("always chunks prefills"))
    unchunked.engineVersion = EngineVersion(0, 8)
    #expect(LaunchCommand.script(unchunked, engine: .vllm).contains("VLLM_USE_V1=0 vllm serve"))
  }

  /// An SGLang plan's `mem_fraction_static` (weights and KV cache) is not
  /// vLLM's `gpu_memory_utilization` (everything the engine allocates): the
  /// export converts it to the share that keeps the simulated KV cache.
  @Test func memoryShareIsConvertedBetweenEngines() throws {
    var plan = try ExportTests.plan("quickstart.yaml")
    plan.engine = .sglang
    plan.applyScheduler(SchedulerSettings())
    let given = plan.scheduler.memoryUtilization
    let script = LaunchCommand.script(plan, engine: .vllm)
    let value = ExportTests.arguments(script).first { $0.flag == "--gpu-memory-utilization" }?.value
    let converted = try #require(value.flatMap(Double.init))
    #expect(converted != given && script.contains("mem_fraction_static"))
    // The converted share gives vLLM the same KV cache within a rounding step.
    var asVLLM = plan
    asVLLM.engine = .vllm
    asVLLM.scheduler.memoryUtilization = converted
    let kv = MemoryPlan(plan: plan).kvBytes
    #expect(abs(MemoryPlan(plan: asVLLM).kvBytes - kv) < 0.001 * plan.cluster.device.visibleMemoryBytes)
    // The same engine keeps the plan's figure.
    #expect(
      LaunchCommand.script(plan, engine: .sglang).contains(
        "--mem-fraction-static \(LaunchCommand.fraction(given))"))
  }
}
