import Foundation
import Testing

@testable import ServeSim
@testable import ServeSimIO

/// The shipped validation suite: reading the measured sources, replaying a
/// few experiments, the reports, and the workload's warm-up key.
struct ValidationSuiteTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  @Test func theShippedSuiteHasThreeSourcesAndCountsWhatItSkips() throws {
    let suite = try ValidationSuite.load(root: Self.root)
    #expect(suite.experiments.count >= 300)
    #expect(
      Set(suite.experiments.map(\.suite)) == [
        "trtllm-online", "trtllm-offline", "inferencemax", "llamacpp-host",
      ])
    #expect(Set(suite.experiments.map { "\($0.suite)/\($0.id)" }).count == suite.experiments.count)
    let reasons = Set(suite.skipped.map { "\($0.suite): \($0.reason)" })
    #expect(reasons.contains("trtllm-offline: GPU not modelled: GH200"))
    #expect(!reasons.contains { $0.contains("not modelled: b300") || $0.contains("not modelled: GB300") })
    #expect(reasons.contains("inferencemax: engine not modelled: atom (AMD's ATOM: no modelled release)"))
    // MTP rows replay with one acceptance model for all of them.
    let mtp = suite.experiments.filter { $0.speculative != nil }
    #expect(mtp.count >= 19 && mtp.allSatisfy { $0.id.hasSuffix("/mtp") && $0.speculative?.method == .mtp })
    #expect(mtp.allSatisfy { $0.speculative == mtp.first?.speculative })
    // Blackwell Ultra replays (nineteenth session) on both sources.
    #expect(suite.experiments.contains { $0.suite == "trtllm-offline" && $0.gpu == "GB300" })
    // TensorRT-LLM's MTP runs with attention DP (DEP) replay as such.
    #expect(mtp.contains { $0.parallelism.attentionData > 1 && $0.id.contains("-dp-attention/") })
    let held = suite.experiments.filter(\.heldOut).count
    #expect(held > suite.experiments.count / 6 && held < suite.experiments.count / 3)
  }

  /// trtllm-bench's PyTorch runs capture decode graphs up to 8,192
  /// sequences (the overview's llm_options.yml); the v0.17 engine runs none.
  @Test func offlinePyTorchRunsReplayTheirGraphLimit() throws {
    let offline = try ValidationSuite.load(root: Self.root, suite: "trtllm-offline").experiments
    let pytorch = offline.filter { ValidationReplay.release(of: $0).version >= EngineVersion(1, 0) }
    #expect(!pytorch.isEmpty && pytorch.count < offline.count)
    #expect(pytorch.allSatisfy { $0.cudaGraphMaxBatch == 8192 })
    #expect(offline.filter { !pytorch.contains($0) }.allSatisfy { $0.cudaGraphMaxBatch == nil })
    let qwen = try #require(
      pytorch.first { $0.id.contains("qwen3-235b") && $0.parallelism.attentionData == 1 })
    #expect(qwen.requests >= 1000)
  }

  @Test func rowsAreReplayedAsTheSourceDescribesThem() throws {
    let online = try ValidationSuite.load(root: Self.root, suite: "trtllm-online")
    let first = try #require(online.experiments.first)
    #expect(first.id == "llama-3.1-70b/h100/tp4/467x256/rate-2")
    #expect(first.model == "llama-3.1-70b" && first.engine == .trtllm && first.parallelism.tensor == 4)
    #expect(first.arrival == .poisson(rate: 2) && first.requests == 500 && first.warmupRequests == 0)
    #expect(first.inputTokens == .fixed(467) && first.outputTokens == .fixed(256))
    #expect(first.precision == Precision(weights: .bf16, activations: .bf16, kvCache: .bf16))
    #expect(first.measured.map(\.metric) == [.ttftMeanMs, .itlMeanMs, .outputTokPerS])
    #expect(online.experiments.contains { $0.arrival == .offline })
    // Each rate's 500 arrivals span the nominal time, not one more draw.
    #expect(online.experiments.allSatisfy { $0.exactRate })
    // Its rates and tensor degrees for one model, GPU and lengths are the
    // options of one planning choice.
    #expect(first.choice == "llama-3.1-70b/h100/467x256")
    #expect(online.experiments.filter { $0.choice == first.choice }.count > 1)

    let all = try ValidationSuite.load(root: Self.root, suite: "inferencemax").experiments
    #expect(all.allSatisfy { $0.model == "deepseek-v3" })
    // Disaggregated multi-node runs replay with their pools (below).
    let dsr1 = all.filter { $0.pools == nil }
    #expect(Set(dsr1.map(\.gpu)) == ["H200", "B200", "B300", "MI300X", "MI325X", "MI355X"])
    let disaggregated = all.filter { $0.pools != nil }
    #expect(Set(disaggregated.map(\.gpu)) == ["H100", "H200", "B200", "GB200", "B300", "GB300", "MI355X"])
    #expect(
      disaggregated.allSatisfy {
        guard case .closed(let clients, _) = $0.arrival else { return false }
        return $0.choice == nil && $0.requests <= max(1024, 2 * clients)
      })
    // A Dynamo run of one DEP4 prefill worker and five TP8 decode workers
    // (EP8): 4 + 40 GPUs on six B200 nodes; its per-GPU throughput times 44.
    let p1d5 = try #require(
      disaggregated.first { $0.id.hasPrefix("b200/dynamo-sglang/p1xdep4-d5xtep8/1024x1024/c16/") })
    let pools = try #require(p1d5.pools)
    #expect(pools.prefill.data == 1 && pools.prefill.tensor == 4 && pools.prefill.attentionData == 4)
    #expect(pools.decode.data == 5 && pools.decode.tensor == 8 && pools.decode.expert == 8)
    #expect(pools.decode.attentionData == 1 && pools.devices == 44)
    #expect(p1d5.engine == .sglang && p1d5.requests == 160)
    let b200Node = try ExportTests.plan("llama-3.1-70b-fp8-hgx-b200-tp4.yaml").cluster
    let deepseek = try ExportTests.plan("deepseek-v3-fp8-hgx-h200-mtp.yaml").model
    let disaggregatedReplay = ValidationReplay.plan(p1d5, model: deepseek, cluster: b200Node)
    #expect(disaggregatedReplay.cluster.deviceCount >= 44 && disaggregatedReplay.validate().isEmpty)
    #expect(disaggregatedReplay.disaggregation?.prefill.attentionData == 4)
    #expect(disaggregatedReplay.disaggregation?.decode.replicas == 5)
    // "fp4" is NVFP4 on NVIDIA GPUs and MXFP4 on AMD's, weights and activations.
    let nvfp4 = try #require(dsr1.first { $0.gpu == "B200" && $0.precision.weights.isFP4 })
    #expect(nvfp4.precision.weights == .fp4 && nvfp4.precision.activations == .fp4)
    let mxfp4 = try #require(dsr1.first { $0.gpu == "MI355X" && $0.precision.weights.isFP4 })
    #expect(mxfp4.precision.weights == .mxfp4 && mxfp4.precision.kvCache == .bf16)
    // The KV cache the dataset leaves out: fp8 under TensorRT-LLM and under
    // SGLang on Blackwell (FP4 and FP8 weights, aggregated and disaggregated),
    // bf16 under SGLang on Hopper and AMD GPUs.
    let blackwell: Set = ["B200", "GB200", "B300", "GB300"]
    let sglang = all.filter { $0.engine == .sglang }
    #expect(sglang.contains { $0.gpu == "B200" && $0.precision.weights == .fp8 })
    #expect(sglang.contains { $0.gpu == "GB200" && $0.pools != nil })
    #expect(sglang.allSatisfy { $0.precision.kvCache == (blackwell.contains($0.gpu) ? .fp8 : .bf16) })
    #expect(all.allSatisfy { $0.engine != .trtllm || $0.precision.kvCache == .fp8 })
    let c64 = try #require(
      dsr1.first { $0.id.hasPrefix("h200/sglang/tp8-ep1/1024x1024/c64/") && $0.speculative == nil })
    // Its runs on other days are repeats of one configuration, which names
    // the precision (runs of one parallelism at fp8 and fp4 are not repeats).
    #expect(c64.configuration == "h200/sglang/fp8/tp8-ep1/1024x1024/c64")
    #expect(dsr1.filter { $0.configuration == c64.configuration }.count > 1)
    // A planner chooses among its GPU's parallelisms and concurrencies for
    // one engine, precision, lengths and speculation.
    #expect(c64.choice == "h200/sglang/fp8/1024x1024")
    let options = Set(dsr1.filter { $0.choice == c64.choice }.compactMap(\.configuration))
    #expect(options.count > 2 && options.allSatisfy { !$0.hasSuffix("/mtp") })
    #expect(dsr1.allSatisfy { ($0.speculative != nil) == ($0.choice?.hasSuffix("/mtp") == true) })
    #expect(dsr1.allSatisfy { ($0.speculative != nil) == ($0.configuration?.hasSuffix("/mtp") == true) })
    let trtB200 = dsr1.filter { $0.gpu == "B200" && $0.id.hasPrefix("b200/trt/tp8-ep8/") }
    #expect(Set(trtB200.compactMap(\.configuration).map { $0.split(separator: "/")[2] }).count == 2)
    #expect(c64.arrival == .closed(concurrency: 64, thinkTime: 0) && c64.requests == 640)
    #expect(c64.inputTokens == .uniform(min: 819, max: 1024))
    // The warm-up phase (from 2026-01-21) ends before the measured run, whose
    // first batch still pays the cold start: every run replays as cold.
    #expect(dsr1.allSatisfy { $0.warmupRequests == 0 && $0.coldStart })
    // TensorRT-LLM rows list 64 GPUs for one node of 8: throughput is per GPU x 8.
    let trt = try #require(
      dsr1.first {
        $0.engine == .trtllm && $0.gpu == "H200" && $0.id.contains("1024x1024/c4/") && $0.speculative == nil
      })
    #expect(trt.measured.first { $0.metric == .outputTokPerS }.map { $0.value < 400 } == true)

    // An SGLang MTP row replays k = 3 without SGLang's speculative cap of 48
    // running requests (the recipes set their own); a row that set none would take it.
    let mtp = try #require(dsr1.first { $0.engine == .sglang && $0.speculative != nil })
    let r1 = try ExportTests.plan("deepseek-v3-fp8-hgx-h200-mtp.yaml")
    let replay = ValidationReplay.plan(mtp, model: r1.model, cluster: r1.cluster)
    #expect(mtp.setsMaxRunning && replay.speculative?.tokens == 3 && replay.scheduler.maxNumSeqs > 64)
    var unset = mtp
    unset.setsMaxRunning = false
    #expect(ValidationReplay.plan(unset, model: r1.model, cluster: r1.cluster).scheduler.maxNumSeqs == 48)
    // TensorRT-LLM DP-attention rows balance contexts as the recipes set it.
    let dep = dsr1.filter { $0.parallelism.attentionData > 1 }
    #expect(
      !dep.isEmpty
        && dep.allSatisfy {
          $0.engine != .trtllm || $0.attentionDPBalance == ValidationSuite.inferenceMaxBalance
        })
    #expect(
      ValidationReplay.plan(try #require(dep.first), model: r1.model, cluster: r1.cluster).attentionDPBalance
        != nil)

    // InferenceMAX's B200 and B300 SGLang servers without DP attention take
    // new requests every 10 decode steps, every 30 from 16 clients on; the
    // other GPUs' at every step.
    let b200 = dsr1.filter {
      $0.engine == .sglang && ["B200", "B300"].contains($0.gpu) && $0.parallelism.attentionData == 1
    }
    #expect(b200.contains { $0.gpu == "B200" } && b200.contains { $0.gpu == "B300" })
    for row in b200 {
      guard case .closed(let clients, _) = row.arrival else { continue }
      #expect(row.schedulerRecvInterval == (clients >= 16 ? 30 : 10))
      #expect(ValidationReplay.plan(row, model: r1.model, cluster: r1.cluster).schedulerRecvInterval > 1)
    }
    #expect(
      dsr1.allSatisfy {
        $0.schedulerRecvInterval == 1 || (["B200", "B300"].contains($0.gpu) && $0.engine == .sglang)
      })
    #expect(dsr1.contains { $0.gpu == "H200" && $0.engine == .sglang })

    // Runs from 2026-01-21 on had a warm-up phase: one-time cold work is
    // done (B200 SGLang, FlashInfer's MoE), Triton MoE variants are not
    // (H200 SGLang).
    #expect(dsr1.contains { $0.warmupPhase } && dsr1.contains { !$0.warmupPhase })
    let b200Cluster = try ExportTests.plan("llama-3.1-70b-fp8-hgx-b200-tp4.yaml").cluster
    let warmB200 = try #require(
      dsr1.first {
        $0.warmupPhase && $0.gpu == "B200" && $0.engine == .sglang && $0.parallelism.attentionData == 1
      })
    #expect(!ValidationReplay.plan(warmB200, model: r1.model, cluster: b200Cluster).workload.coldStart)
    let warmH200 = try #require(dsr1.first { $0.warmupPhase && $0.gpu == "H200" && $0.engine == .sglang })
    #expect(ValidationReplay.plan(warmH200, model: r1.model, cluster: r1.cluster).workload.coldStart)
    var coldB200 = warmB200
    coldB200.warmupPhase = false
    #expect(ValidationReplay.plan(coldB200, model: r1.model, cluster: b200Cluster).workload.coldStart)

    let offline = try ValidationSuite.load(root: Self.root, suite: "trtllm-offline").experiments
    #expect(offline.allSatisfy { $0.arrival == .offline && $0.requests <= ValidationSuite.offlineRequestCap })
    #expect(offline.contains { $0.requestsInSource == 30000 })
  }

  /// InferenceMAX's TensorRT-LLM servers have room for one prompt a step
  /// (`ValidationSuite.inferenceMaxTokenBudget`, no chunking): a run's first
  /// wave queues one prefill behind another, and its TTFT p99 grows with the
  /// clients as the rows measure it.
  @Test func inferenceMaxTensorRTLLMServersPrefillOnePromptAStep() throws {
    let dsr1 = try ValidationSuite.load(root: Self.root, suite: "inferencemax").experiments
    let trt = dsr1.filter { $0.engine == .trtllm && $0.pools == nil }
    #expect(trt.count > 100)
    for row in trt {
      guard case .closed(let clients, _) = row.arrival, case .uniform(_, let isl) = row.inputTokens else {
        Issue.record("\(row.id): not a closed loop of uniform prompts")
        continue
      }
      let steps = 1 + (row.speculative?.tokens ?? 0)
      #expect(
        row.scheduler.maxNumBatchedTokens == (clients * steps + isl + 127) / 64 * 64
          && row.scheduler.chunkedPrefill == false)
    }
    #expect(
      ValidationSuite.inferenceMaxTokenBudget(inputTokens: 1024, concurrency: 64, draftTokens: 0) == 1152)
    #expect(
      ValidationSuite.inferenceMaxTokenBudget(inputTokens: 1024, concurrency: 4, draftTokens: 3) == 1152)
    #expect(
      dsr1.allSatisfy { $0.engine == .trtllm && $0.pools == nil || $0.scheduler == SchedulerSettings() })

    // H200, TP8/EP8, 1K prompts at 64 clients: the same configuration's runs
    // measure a TTFT p99 of 5.9-17 s (median 9.4 s); with the engine's
    // default budget of 8,192 tokens the replay's first wave prefilled eight
    // prompts a step (about 4 s).
    let row = try #require(dsr1.first { $0.id == "h200/trt/tp8-ep8/1024x1024/c64/20047470193" })
    let r1 = try ExportTests.plan("deepseek-v3-fp8-hgx-h200-mtp.yaml")
    let plan = ValidationReplay.plan(row, model: r1.model, cluster: r1.cluster)
    #expect(plan.scheduler.maxNumBatchedTokens == 1152 && !plan.scheduler.chunkedPrefill)
    var engineDefault = row
    engineDefault.scheduler = SchedulerSettings()
    let p99 = try #require(row.measured.firstIndex { $0.metric == .ttftP99Ms })
    guard case .predicted(let budgeted) = ValidationReplay.run(row, model: r1.model, cluster: r1.cluster),
      case .predicted(let plain) = ValidationReplay.run(engineDefault, model: r1.model, cluster: r1.cluster)
    else {
      Issue.record("the replay failed")
      return
    }
    #expect(budgeted[p99] > 1.6 * plain[p99])
    #expect(budgeted[p99] > 6_000 && budgeted[p99] < 12_000 && plain[p99] < 5_000)
  }

  @Test func aReplayedSubsetGivesTheSameReportTwice() throws {
    var suite = try ValidationSuite.load(root: Self.root, suite: "trtllm-online")
    suite.keep { $0.id.hasPrefix("llama-3.1-8b/h200/tp1/467x16/") }
    #expect(suite.experiments.count == 6)
    let rows = try suite.run(root: Self.root)
    #expect(rows.count == 18 && rows.allSatisfy { $0.predicted != nil })
    let csv = String(decoding: ValidationReport.csv(rows), as: UTF8.self)
    #expect(csv.hasPrefix("suite,experiment,metric,measured,predicted,error,held_out,engine,gpu\n"))
    #expect(csv.split(separator: "\n").count == 19)
    #expect(ValidationReport.csv(try suite.run(root: Self.root)) == ValidationReport.csv(rows))
    let svg = ValidationReport.svg(rows)
    #expect(svg.contains("<circle") && svg.contains("y = x") && svg.contains(">trtllm<"))
    let table = ValidationReport.table(rows, skipped: [("s", "why", 3)])
    #expect(table.contains("trtllm  H200  ttft_mean_ms") && table.contains("held out"))
    #expect(table.contains("s: why: 3"))
  }

  @Test func theHostSuiteReplaysLlamaServerAsTheScriptRanIt() throws {
    var host = try ValidationSuite.load(root: Self.root, suite: "llamacpp-host")
    #expect(host.experiments.count >= 12)
    #expect(Set(host.experiments.map(\.precision.weights)) == [.fp16, .q8_0])
    let first = try #require(host.experiments.first)
    #expect(first.engine == .llamacpp && first.model == "llama-3.2-1b")
    let options = try #require(first.llamaCpp)
    // -np SLOTS -c SLOTS * pad256(prompt + output) --no-kv-unified, one warm-up per client.
    guard case .closed(let clients, _) = first.arrival, case .fixed(let prompt) = first.inputTokens,
      case .fixed(let output) = first.outputTokens
    else {
      Issue.record("not a closed loop of fixed lengths")
      return
    }
    #expect(options.slots == clients && first.warmupRequests == clients && options.kvUnified == false)
    #expect(options.ctxSize == clients * ((prompt + output + 255) / 256 * 256))
    // Replayed on the measured machine with ggml's measured matrix products.
    host.keep { $0.id == "q8_0/slots2/128x64" }
    let rows = try host.run(root: Self.root)
    #expect(rows.count == 2 && rows.allSatisfy { $0.predicted != nil })
    let plan = ValidationReplay.plan(
      host.experiments[0],
      model: try SpecDecoders.model(
        YAMLFile(path: Self.root + "/models/llama-3.2-1b.yaml", referencedBy: nil)),
      cluster: try SpecDecoders.cluster(
        YAMLFile(path: Self.root + "/clusters/epyc-2c-host.yaml", referencedBy: nil), overrides: []))
    #expect(plan.scheduler.maxNumSeqs == 2 && plan.llamacpp?.ctxSize == 512)
  }

  @Test func aFailedExperimentHasEmptyPredictions() {
    var e = ValidationExperiment(
      suite: "s", id: "x", model: "m", gpu: "g", engine: .vllm, engineVersion: "", precision: Precision(),
      parallelism: Parallelism(), inputTokens: .fixed(1), outputTokens: .fixed(1), arrival: .offline,
      requests: 1, measured: [(.ttftMeanMs, 10)])
    e.id = "x"
    let csv = String(
      decoding: ValidationReport.csv(ValidationRow.rows(e, .failed("does not fit"))), as: UTF8.self)
    #expect(csv.hasSuffix("s,x,ttft_mean_ms,10.0000,,,\(e.heldOut),vllm,g\n"))
  }

  @Test func deepGEMMRowsArePricedAsTheCostModelPricesThem() throws {
    let deepgemm = try ValidationSuite.load(root: Self.root, suite: "deepgemm")
    #expect(deepgemm.kernels.count == 56 && deepgemm.experiments.isEmpty)
    // The calibration part: the 9 dense rows scripts/build-calibration imports,
    // and the 6 rows of the earlier commit that print the same figures.
    #expect(deepgemm.kernels.filter { !$0.heldOut }.count == 15)
    let id = "55ab91f/grouped_masked/g4-m256-n4096-k7168"
    let masked = try #require(deepgemm.kernels.first { $0.id == id })
    #expect(masked.shape.groups == 4 && masked.shape.m == 256 && masked.heldOut && !masked.quantisesInput)
    var one = deepgemm
    one.keepKernels { $0.id == id }
    let rows = try one.run(root: Self.root)
    let row = try #require(rows.first)
    #expect(rows.count == 1 && row.metric == .kernelUs && row.engine == "deepgemm" && row.gpu == "H800")
    #expect(abs(row.measured - 64.5167) < 1e-3)
    // A grouped GEMM reads every expert's weights: four times a dense GEMM's
    // of the same 1,024 rows, so it takes longer (measured: 64.5 against 48.8 us
    // for one group of 1,024 rows).
    let predicted = try #require(row.predicted)
    let device = try CalibrationInputs.device(path: Self.root + "/clusters/devices/h100-sxm.yaml")
    let dense = try #require(
      OperatorPricer.price(
        .gemm, shape: OperatorShape(m: 1024, n: 4096, k: 7168), dtype: .fp8, kvDType: .fp8, device: device,
        cluster: nil, calibration: nil, quantisesInput: false))
    #expect(predicted > dense.seconds * 1e6)
    #expect(predicted > 4 * 4096 * 7168 / 3.35e12 * 1e6)
  }

  @Test func aiConfiguratorGEMMsArePricedOnTheirOwnGPUsAndAllHeldOut() throws {
    let table = try ValidationSuite.load(root: Self.root, suite: "aiconfigurator")
    #expect(table.kernels.count == 847 && table.experiments.isEmpty && table.skipped.isEmpty)
    #expect(table.kernels.filter { !$0.heldOut }.isEmpty)
    #expect(table.kernels.filter { $0.gpu == "H200" }.count == 363)
    #expect(
      Set(table.kernels.map { "\($0.gpu) \($0.engine)" }) == [
        "H200 deepgemm", "B200 deepgemm", "H200 trtllm-bf16", "H200 trtllm-fp8_block", "B200 trtllm-bf16",
        "B200 trtllm-fp8_block", "B200 trtllm-nvfp4",
      ])
    // o_proj of DeepSeek-V3 under TP8 at 16,384 rows on H200: 457 us measured.
    var one = table
    one.keepKernels { $0.id == "h200-sxm/m16384-n7168-k2048" }
    let row = try #require(try one.run(root: Self.root).first)
    #expect(row.engine == "deepgemm" && row.gpu == "H200" && abs(row.measured - 457.4) < 0.5)
    // Priced on the H200's device file (the H100's fits carried over by the
    // datasheet ratios): a compute-bound product, within a fifth of it.
    let predicted = try #require(row.predicted)
    #expect(abs(predicted / row.measured - 1) < 0.2)
  }

  /// TensorRT-LLM 1.3.0rc20's GEMMs are priced in their own formats: the
  /// same B200 product in NVFP4 at the carried fp8 fit's share of the fp4
  /// peak, in bf16 at the bf16 fit's.
  @Test func aiConfiguratorTensorRTLLMGEMMsArePricedInTheirFormats() throws {
    var table = try ValidationSuite.load(root: Self.root, suite: "aiconfigurator")
    table.keepKernels { $0.id.hasPrefix("b200/trtllm/") && $0.id.hasSuffix("/m16384-n7168-k2048") }
    let rows = try table.run(root: Self.root)
    let fp4 = try #require(rows.first { $0.engine == "trtllm-nvfp4" })
    let bf16 = try #require(rows.first { $0.engine == "trtllm-bf16" })
    let fp8 = try #require(rows.first { $0.engine == "trtllm-fp8_block" })
    // Measured: 163 us in NVFP4, 196 us fp8 block-scaled, 302 us in bf16.
    #expect(
      abs(fp4.measured - 163.0) < 0.5 && abs(bf16.measured - 302.5) < 0.5 && abs(fp8.measured - 196.5) < 0.5)
    let (p4, p8, p16) = (
      try #require(fp4.predicted), try #require(fp8.predicted), try #require(bf16.predicted)
    )
    // A compute-bound product: the faster the format, the shorter, by about
    // the ratio of the carried rates (fp4 twice fp8's; fp8 1.56 times bf16's).
    #expect(p4 < p8 / 1.8 && p8 < p16 / 1.4, "\(p4) \(p8) \(p16)")
  }

  /// AIConfigurator's MLA decode table: 1,776 rows, all held out, priced as
  /// absorbed latent attention; SGLang's fa3 rows with an fp8 cache pay the
  /// conversion of their pool.
  @Test func aiConfiguratorMLADecodeIsPricedAsAbsorbedLatentAttention() throws {
    let table = try ValidationSuite.load(root: Self.root, suite: "aiconfigurator-mla-decode")
    #expect(table.kernels.count == 1776 && table.kernels.allSatisfy(\.heldOut) && table.skipped.isEmpty)
    let cast = table.kernels.filter { $0.kvPoolTokens > 0 }
    #expect(cast.count == 222 && cast.allSatisfy { $0.engine == "sglang-flash_attention-fp8kv" })
    var one = table
    one.keepKernels { $0.id == "b200/trtllm/h16-b64-kv8192" }
    let row = try #require(try one.run(root: Self.root).first)
    // 64 sequences over 8,192 cached tokens of the 576-wide bf16 latent: 604 MB
    // at 8 TB/s × 0.80, 94 us; measured 127 us. As plain attention of width
    // 1 it came out 12 us.
    let predicted = try #require(row.predicted)
    #expect(abs(row.measured - 127.2) < 0.5 && predicted > 90 && predicted < 120, "\(predicted)")
  }

  @Test func aiConfiguratorMLAPrefillIsPricedAsLatentAttentionAndHalfHeldOut() throws {
    let table = try ValidationSuite.load(root: Self.root, suite: "aiconfigurator-mla")
    #expect(table.kernels.count == 1008 && table.experiments.isEmpty && table.skipped.isEmpty)
    // Every other row of each GPU and kernel is the calibration part (the
    // kernel's form was chosen on it); the rest are held out.
    #expect(table.kernels.filter(\.heldOut).count == 504)
    for group in ["h200-sxm/sglang-flash_attention/", "b200/trtllm/"] {
      let rows = table.kernels.filter { $0.id.hasPrefix(group) }
      #expect(
        rows.count == 252 && rows.enumerated().allSatisfy { $0.element.heldOut == ($0.offset % 2 == 1) })
    }
    #expect(
      Set(table.kernels.map { "\($0.gpu) \($0.engine)" }) == [
        "H200 sglang-flash_attention", "H200 trtllm", "B200 sglang-trtllm_mla", "B200 trtllm",
      ])
    // SGLang 0.5.14's TensorRT-LLM MLA kernel on B200, DeepSeek-V3 under TP8
    // (16 heads), one 8,192-token prompt: 315 us measured.
    var one = table
    one.keepKernels { $0.id == "b200/sglang-trtllm_mla/h16-b1-s8192" }
    let row = try #require(try one.run(root: Self.root).first)
    #expect(row.gpu == "B200" && abs(row.measured - 315.2) < 0.5)
    // Priced as latent attention (query/key 192 wide, value 128): within a
    // tenth; as 16 heads of width 1 it would take a few microseconds.
    let predicted = try #require(row.predicted)
    #expect(abs(predicted / row.measured - 1) < 0.1, "\(predicted)")
  }

  /// AIConfigurator's grouped-query attention: 5,346 prefill and 6,800
  /// decode rows on H100 and H200, half of each GPU and engine held out; the
  /// FlashAttention-3 prefill rows priced by their tiles (`AttentionTiles`).
  @Test func aiConfiguratorAttentionPrefillIsPricedByItsTiles() throws {
    let prefill = try ValidationSuite.load(root: Self.root, suite: "aiconfigurator-attention")
    let decode = try ValidationSuite.load(root: Self.root, suite: "aiconfigurator-attention-decode")
    #expect(prefill.kernels.count == 5346 && prefill.skipped.isEmpty && prefill.experiments.isEmpty)
    #expect(decode.kernels.count == 6800 && decode.kernels.allSatisfy { $0.op == .attentionDecode })
    #expect(prefill.kernels.filter(\.heldOut).count == 2670)
    #expect(
      Set(prefill.kernels.map { "\($0.gpu) \($0.engine)" }) == [
        "H100 vllm-fa3", "H100 sglang-fa3", "H100 trtllm", "H200 vllm-fa3", "H200 sglang-fa3", "H200 trtllm",
      ])
    // The held-out FlashAttention-3 rows: a median |error| of 33% at the
    // device's attention efficiency alone (too fast: short prompts pay each
    // tile's fixed cost and the masked diagonal blocks), 6-8% by the tiles.
    var fa3 = prefill
    fa3.keepKernels { $0.heldOut && $0.engine.hasSuffix("-fa3") }
    let rows = try fa3.run(root: Self.root)
    let errors = rows.compactMap { row in row.predicted.map { abs($0 / row.measured - 1) } }.sorted()
    #expect(errors.count == 1780)
    #expect(errors[errors.count / 2] < 0.1, "\(errors[errors.count / 2])")
    // TensorRT-LLM's rows time its own context kernel (fmha_v2), slower than
    // FlashAttention-3 per tile and per block: 24% too fast at the FA3 tiles,
    // 6-7% at the device file's `attention_tiles.trtllm`.
    var trtllm = prefill
    trtllm.keepKernels { $0.heldOut && $0.engine == "trtllm" }
    #expect(trtllm.kernels.allSatisfy { $0.servingEngine == .trtllm })
    let trtRows = try trtllm.run(root: Self.root)
    let signed = trtRows.compactMap { row in row.predicted.map { $0 / row.measured - 1 } }.sorted()
    #expect(signed.count == 890)
    #expect(abs(signed[signed.count / 2]) < 0.05, "\(signed[signed.count / 2])")
    let trtErrors = signed.map(abs).sorted()
    #expect(trtErrors[trtErrors.count / 2] < 0.1, "\(trtErrors[trtErrors.count / 2])")
    // FlashAttention-3's decode: a tile per (sequence, KV head) and the cache
    // streamed at 0.88 of the bandwidth; held out 12.0% on the roofline at
    // the device's 0.80, 7.8% by the tiles.
    var fa3Decode = decode
    fa3Decode.keepKernels { $0.heldOut && $0.engine.hasSuffix("-fa3") }
    let decodeErrors = try fa3Decode.run(root: Self.root).compactMap { row in
      row.predicted.map { abs($0 / row.measured - 1) }
    }.sorted()
    #expect(decodeErrors.count == 2244)
    #expect(decodeErrors[decodeErrors.count / 2] < 0.09, "\(decodeErrors[decodeErrors.count / 2])")
  }

  @Test func ncclTestsRowsArePricedOnTheirClusters() throws {
    var nccl = try ValidationSuite.load(root: Self.root, suite: "nccl-tests")
    #expect(
      nccl.kernels.count == 118 && Set(nccl.kernels.map(\.gpu)) == ["H100", "H200", "MI300X", "MI350X"])
    #expect(nccl.skipped.isEmpty)
    nccl.keepKernels { $0.id == "dell-h200-roce-x2/16gpu/1024B" }
    let row = try #require(try nccl.run(root: Self.root).first)
    #expect(row.engine == "nccl" && row.measured == 45.06)
    // NCCL's latency floor across two nodes: tens of microseconds, not one step.
    #expect((row.predicted ?? 0) > 25)
  }

  @Test func workloadsReadWarmUpRequests() throws {
    let ok = try TempPlan(workload: TempPlan.workload + "\nwarmup_requests: 5\n")
    defer { ok.remove() }
    #expect(try PlanLoader.load(path: ok.planPath).workload.warmupRequests == 5)
    let tooMany = try TempPlan(workload: TempPlan.workload + "\nwarmup_requests: 50\n")
    defer { tooMany.remove() }
    #expect(throws: ConfigError.self) { try PlanLoader.load(path: tooMany.planPath) }
  }
}
