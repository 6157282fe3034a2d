import ServeSim

/// The three measured sources the validation suite replays, read row by row
/// into experiments; rows servesim cannot express are counted by reason.
extension ValidationSuite {
  /// Shipped model files for the models the sources name. Llama-3.3-70B has
  /// Llama-3.1-70B's architecture and DeepSeek-R1(-0528) DeepSeek-V3's
  /// (identical `config.json` figures: meta-llama/Llama-3.3-70B-Instruct,
  /// deepseek-ai/DeepSeek-R1-0528).
  static let models = [
    "llama-3.1-8b": "llama-3.1-8b", "llama-3.1-70b": "llama-3.1-70b", "llama-3.3-70b": "llama-3.1-70b",
    "llama-3.1-405b": "llama-3.1-405b", "mixtral-8x7b": "mixtral-8x7b", "mistral-7b": "mistral-7b",
    "qwen3-235b-a22b": "qwen3-235b-a22b", "deepseek-r1-0528": "deepseek-v3", "dsr1": "deepseek-v3",
  ]
  /// Shipped one-node clusters for the GPUs the sources name: (report name, cluster file stem).
  static let gpus = [
    "h100": ("H100", "dgx-h100"), "h100 80gb hbm3": ("H100", "dgx-h100"), "h200": ("H200", "hgx-h200"),
    "a100-sxm4-80gb": ("A100", "dgx-a100"), "b200": ("B200", "hgx-b200"), "gb200": ("GB200", "gb200-nvl72"),
    "b300": ("B300", "hgx-b300"), "gb300": ("GB300", "gb300-nvl72"),
    "mi300x": ("MI300X", "mi300x-8"), "mi325x": ("MI325X", "mi325x-8"), "mi355x": ("MI355X", "mi355x-8"),
  ]
  /// The GPUs (report names) whose sources' "fp4" is MXFP4 (AMD's
  /// checkpoints, e.g. amd/DeepSeek-R1-0528-MXFP4); on NVIDIA GPUs it is
  /// NVFP4 (nvidia/*-FP4 ModelOpt checkpoints).
  static let mxfp4GPUs: Set<String> = ["MI355X"]
  /// Most requests replayed per offline experiment (the sources send 1,000
  /// to 30,000), so that the whole suite runs in under a minute; the cap
  /// moves predicted throughput by under 6% (validation/README.md).
  static let offlineRequestCap = 1000

  /// The precision of a source's format name on `gpu` (a report name). FP4
  /// rows are W4A4 (NVFP4 on NVIDIA GPUs, MXFP4 on AMD's) with an fp8 KV
  /// cache unless `kvCache` says otherwise: NVIDIA's ModelOpt FP4
  /// checkpoints quantise the KV cache to fp8 (`kv_cache_quant_algo: FP8`
  /// in their hf_quant_config.json).
  static func precision(_ name: String, gpu: String = "", kvCache: DType? = nil) -> Precision? {
    let dtype: DType
    switch name.lowercased() {
    case "fp8": dtype = .fp8
    case "fp16": dtype = .fp16
    case "bf16": dtype = .bf16
    case "fp4": dtype = mxfp4GPUs.contains(gpu) ? .mxfp4 : .fp4
    default: return nil
    }
    return Precision(weights: dtype, activations: dtype, kvCache: kvCache ?? (dtype.isFP4 ? .fp8 : dtype))
  }

  /// Reads one row's fields by column name.
  struct Row {
    let table: CSVTable
    let fields: [String]
    subscript(_ column: String) -> String {
      guard let i = table.index(column), i < fields.count else { return "" }
      return fields[i]
    }
    func int(_ column: String) -> Int? { Int(self[column]) ?? Double(self[column]).map { Int($0) } }
    func double(_ column: String) -> Double? {
      guard let v = Double(self[column]), v.isFinite, v > 0 else { return nil }
      return v
    }
  }

  /// The shipped model file, the GPU (report name, cluster file) and the
  /// precision of a TensorRT-LLM row, or nil after counting why it is skipped.
  static func target(_ row: Row, _ name: String, into suite: inout ValidationSuite)
    -> (String, (String, String), Precision)?
  {
    let skip: String
    if let gpu = gpus[row["gpu"].lowercased()] {
      if let precision = precision(row["precision"], gpu: gpu.0) {
        if let model = models[row["model"].lowercased()] { return (model, gpu, precision) }
        skip = "model not shipped: \(row["model"])"
      } else {
        skip = "precision not modelled: \(row["precision"])"
      }
    } else {
      skip = "GPU not modelled: \(row["gpu"])"
    }
    suite.skip(name, skip)
    return nil
  }

  /// TensorRT-LLM 0.14 online serving: mean TTFT and ITL and output
  /// throughput against request rate; 500 requests, fixed lengths, Poisson
  /// arrivals (the source does not say), INF = all at once.
  static func trtllmOnline(_ table: CSVTable, into suite: inout ValidationSuite) {
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      let name = "trtllm-online"
      guard let (model, gpu, precision) = target(row, name, into: &suite) else { continue }
      guard let tp = row.int("tp"), let isl = row.int("isl"), let osl = row.int("osl"),
        let requests = row.int("num_requests")
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let rate = row["request_rate_qps"]
      let arrival: ArrivalProcess =
        Double(rate).flatMap { $0.isFinite ? .poisson(rate: $0) : nil } ?? .offline
      let measured = [
        (ValidationMetric.ttftMeanMs, row.double("ttft_mean_ms")),
        (.itlMeanMs, row.double("itl_mean_ms")), (.outputTokPerS, row.double("output_tok_per_s")),
      ].compactMap { m, v in v.map { (metric: m, value: $0) } }
      var experiment = ValidationExperiment(
        suite: name,
        id: "\(row["model"].lowercased())/\(gpu.0.lowercased())/tp\(tp)/\(isl)x\(osl)/rate-\(rate)",
        model: model, gpu: gpu.0, engine: .trtllm, engineVersion: row["engine_version"],
        precision: precision, parallelism: Parallelism(tensor: tp, pipeline: row.int("pp") ?? 1),
        inputTokens: .fixed(isl), outputTokens: .fixed(osl), arrival: arrival, requests: requests,
        measured: measured)
      // Each point is one draw of 500 gaps, unknown here (the source gives
      // the offered rate and, rounded, the achieved one): replay the
      // expected span, (500 − 1) / rate, not another draw. One draw's span
      // is ±4.5% (one standard deviation), and so is the throughput of
      // every point below saturation.
      experiment.exactRate = true
      // The options a planner weighs: every tensor degree and offered rate
      // measured for the model, GPU and lengths (`ValidationDecision`).
      experiment.choice = "\(row["model"].lowercased())/\(gpu.0.lowercased())/\(isl)x\(osl)"
      suite.add(experiment, cluster: gpu.1)
    }
  }

  /// The largest CUDA-graph batch of the PyTorch-backend runs in
  /// TensorRT-LLM's performance overview: its `llm_options.yml` for
  /// `trtllm-bench --backend pytorch` captures decode graphs with padding up
  /// to 8,192 (`cuda_graph_config: {enable_padding: true, batch_sizes: [1,
  /// 2, 4, ..., 512, 1024, 2048, 4096, 8192]}`; 0.19's `use_cuda_graph`,
  /// `cuda_graph_padding_enabled` and `cuda_graph_batch_sizes`), where
  /// trtllm-serve's own default stops at `EngineProfile.graphMaxBatch`. Cited
  /// from the 1.0 docs' "Reproducing benchmarked results" as recalled: no
  /// network here, and the table records no options. The offline batches of
  /// these runs reach 1,000 to 2,048 sequences, so the limit decides whether
  /// their decode steps run in graphs or issue every kernel from Python.
  static let trtllmBenchGraphMaxBatch = 8192

  /// TensorRT-LLM offline throughput (`trtllm-bench`, every request queued
  /// at once, fixed lengths), docs v0.17 to 1.2: output tokens/s of the group.
  static func trtllmOffline(_ table: CSVTable, into suite: inout ValidationSuite) {
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      let name = "trtllm-offline"
      guard let (model, gpu, precision) = target(row, name, into: &suite) else { continue }
      guard let tp = row.int("tp"), let isl = row.int("isl"), let osl = row.int("osl"),
        let throughput = row.double("output_tok_per_s")
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let pp = row.int("pp") ?? 1
      // Rows without a request count are 1000/1000 runs of the post-1.0 docs.
      let sent = row.int("num_requests") ?? offlineRequestCap
      let parallelism = attentionData(row, tensor: tp, pipeline: pp)
      var experiment = ValidationExperiment(
        suite: name,
        id:
          "\(row["source_version"])/\(row["model"].lowercased())/\(gpu.0.lowercased())/\(row["precision"].lowercased())/\(label(parallelism))/\(isl)x\(osl)",
        model: model, gpu: gpu.0, engine: .trtllm, engineVersion: row["engine_version"],
        precision: precision, parallelism: parallelism,
        inputTokens: .fixed(isl), outputTokens: .fixed(osl), arrival: .offline,
        requests: min(sent, offlineRequestCap), requestsInSource: sent,
        measured: [(.outputTokPerS, throughput)])
      if ValidationReplay.release(of: experiment).version >= EngineVersion(1, 0) {
        experiment.cudaGraphMaxBatch = trtllmBenchGraphMaxBatch
      }
      suite.add(experiment, cluster: gpu.1)
    }
  }

  /// The GPUs (report names) on which InferenceMAX's SGLang servers keep
  /// an fp8 KV cache: NVIDIA's Blackwell and Blackwell Ultra.
  static let sglangFP8CacheGPUs: Set<String> = ["B200", "GB200", "B300", "GB300"]

  /// The KV-cache format of an InferenceMAX DeepSeek-R1 row, which the
  /// dataset does not record. TensorRT-LLM: fp8 (u: the recipes' setting).
  /// SGLang on Blackwell: fp8, as its launch scripts there pass
  /// `--kv-cache-dtype fp8_e4m3` with the `trtllm_mla` backend (u: recalled
  /// from InferenceX's B200 scripts; under the default `auto` SGLang also
  /// takes fp8 from a ModelOpt checkpoint that sets `kv_cache_quant_algo:
  /// FP8`, 0.5.9 `ModelRunner.configure_kv_cache_dtype`). The KV-bound rows
  /// bear it out: B200, FP8 weights, 8K prompts at 512 clients with MTP
  /// (run 23552373331) kept 2,013 tok/s at a 120 ms TPOT, about 240
  /// requests decoding at once over about 7,800 cached tokens each (1.9M
  /// tokens), where a bf16 pool holds 1.13M; B300 about 470 (3.7M tokens,
  /// against 2.5M). SGLang elsewhere: bf16, the `auto` cache of an FP8
  /// checkpoint (on Hopper an fp8 cache would also pay fa3's conversion of
  /// the pool, `MLAPrefillDispatch.castsKVPool`, which the H200 rows do not
  /// show).
  static func inferenceMaxKVCache(_ engine: EngineKind, gpu: String) -> DType {
    engine == .trtllm || sglangFP8CacheGPUs.contains(gpu) ? .fp8 : .bf16
  }

  /// The `--scheduler-recv-interval` of InferenceMAX's SGLang servers on
  /// B200 without DP attention: 10, and 30 from 16 clients on. InferenceX's
  /// B200 DeepSeek-R1 SGLang launch scripts (`benchmarks/dsr1_fp4_b200*.sh`,
  /// `dsr1_fp8_b200*.sh`: "recv every ~10 requests; if CONC ≥ 16, relax to
  /// ~30") set it; the dataset records no launch flags. The rows show it: a
  /// 1K prompt's TTFT p50 exceeds the same prompt on H200 (whose scripts
  /// leave the default 1) by 3 to 6 decode steps below 16 clients and by 12
  /// to 17 steps from 16 on, half the interval, as requests reach a decode
  /// loop at random points of its receive cycle.
  static func inferenceMaxRecvInterval(concurrency: Int) -> Int { concurrency >= 16 ? 30 : 10 }

  /// The `max_num_tokens` of InferenceMAX's single-node TensorRT-LLM
  /// servers, in tokens: room for one whole prompt of the run's length and
  /// a step of every client's sequence (one token, or the MTP drafts plus
  /// one), with 64 to spare, rounded up to 64: `(CONC × (MTP + 1) + ISL +
  /// 64 + 63) / 64 × 64`, as we read InferenceX's launch scripts
  /// (`benchmarks/dsr1_*_trt*.sh`; not part of validation/ and not
  /// checkable here: the CSV keeps no launch options). TensorRT-LLM 1.x's
  /// PyTorch backend chunks no prompt unless asked (`enable_chunked_prefill`
  /// False, tensorrt_llm/llmapi/llm_args.py), so a step admits one prompt of
  /// about `isl` tokens and a run's first wave of `concurrency` prompts is
  /// prefilled one prompt a step. The rows show it whatever the script
  /// says: 1K-prompt TTFT p99 grows with the clients by about one prefill
  /// each (B200 TP8/EP8 0.6 s at 4 clients, 2.0-2.7 s at 16, 7.3 s at 64;
  /// H200 5.9-17 s at 64), where the engine's default 8,192-token budget
  /// prefilled eight such prompts a step; 8K-prompt rows, one prompt a step
  /// either way, do not grow so.
  static func inferenceMaxTokenBudget(inputTokens: Int, concurrency: Int, draftTokens: Int) -> Int {
    (concurrency * (draftTokens + 1) + inputTokens + 64 + 63) / 64 * 64
  }

  /// InferenceMAX DeepSeek-R1 sweeps: a closed loop at `concurrency`, 10 ×
  /// concurrency prompts of uniform [0.8 L, L] lengths, replayed from a cold
  /// server (below); TTFT and TPOT percentiles and output
  /// throughput (per GPU × the node's GPUs: the `gpus` column says 64 for
  /// single-node TensorRT-LLM runs whose per-GPU figures match 8).
  static func inferenceMax(_ table: CSVTable, into suite: inout ValidationSuite) {
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      let name = "inferencemax"
      let disaggregated = row["disagg"] == "True" || row["is_multinode"] == "True"
      // NVIDIA Dynamo's and AMD's MoRI front ends over SGLang or
      // TensorRT-LLM workers.
      let engine: EngineKind? = [
        "sglang": .sglang, "trt": .trtllm, "dynamo-sglang": .sglang, "dynamo-trt": .trtllm,
        "mori-sglang": .sglang,
      ][row["engine"]]
      let pools = disaggregated ? inferenceMaxPools(row) : nil
      let skip: String? =
        if gpus[row["gpu"]] == nil {
          "GPU not modelled: \(row["gpu"])"
        } else if row["precision"] != "fp8" && row["precision"] != "fp4" {
          "precision not modelled: \(row["precision"])"
        } else if !["none", "mtp"].contains(row["spec_decoding"]) {
          "speculative decoding not modelled: \(row["spec_decoding"])"
        } else if disaggregated && pools == nil {
          "disaggregated pools not given (no workers)"
        } else if disaggregated && !replaysInBudget(row) {
          "disaggregated run too long to replay in the suite's minute"
        } else if row["engine"] == "atom" {
          // AMD's ATOM (ROCm/ATOM, 0.1) has its own scheduler and aiter
          // kernels, with no modelled release to read its defaults from.
          "engine not modelled: atom (AMD's ATOM: no modelled release)"
        } else if engine == nil {
          "engine not modelled: \(row["engine"])"
        } else {
          nil
        }
      if let skip {
        suite.skip(name, skip)
        continue
      }
      guard let engine, let gpu = gpus[row["gpu"]], let model = models[row["model"].lowercased()],
        let tp = row.int("tp") ?? (pools == nil ? nil : 1), let isl = row.int("isl"),
        let osl = row.int("osl"),
        let concurrency = row.int("concurrency"), let perGPU = row.double("output_tok_per_s_per_gpu")
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let pp = row.int("pp") ?? 1
      let ep = row.int("ep") ?? 1
      var parallelism = attentionData(row, tensor: tp, pipeline: pp)
      parallelism.expert = ep
      // A disaggregated run's per-GPU figure is over both pools' GPUs.
      let gpusUsed = pools?.devices ?? tp * pp
      var measured: [(metric: ValidationMetric, value: Double)] = [
        (.outputTokPerS, perGPU * Double(gpusUsed))
      ]
      let columns: [(ValidationMetric, String)] = [
        (.ttftMeanMs, "ttft_mean_ms"), (.ttftP50Ms, "ttft_median_ms"), (.ttftP90Ms, "ttft_p90_ms"),
        (.ttftP99Ms, "ttft_p99_ms"), (.tpotMeanMs, "tpot_mean_ms"), (.tpotP50Ms, "tpot_median_ms"),
        (.tpotP90Ms, "tpot_p90_ms"), (.tpotP99Ms, "tpot_p99_ms"),
      ]
      for (metric, column) in columns { if let v = row.double(column) { measured.append((metric, v)) } }
      let run = row["run_url"].split(separator: "/").dropFirst(6).first.map(String.init) ?? row["date"]
      // Before 2026-01-21 the benchmark measured from the server's first
      // request on (it is launched for each configuration): a cold server.
      // Later runs first send 2 × concurrency warm-up requests, copies of the
      // first prompt, in a phase of their own (vLLM 0.12
      // benchmarks/serve.py, `--num-warmups`): the measured run then starts
      // on an idle server with its clients at once, as a run without warm-up
      // does. Those warm runs keep the cold runs' TTFT tail (SGLang on H200,
      // 1K prompts: p90 0.78-0.83 s at concurrency 4 to 64 in both, against a
      // p50 near 0.15 s): the Triton fused-MoE variants the measured batches
      // compile are not those the copies' batches did. So every run is
      // replayed as a cold server's, without the warm-up phase; where the
      // engine's cold work is one-time, not per variant, the warm-up phase
      // did it (`ValidationExperiment.warmupPhase`): TensorRT-LLM on H200,
      // 1K prompts at 4 clients, TTFT p99 1.7-3.8 s before 2026-01-21, 0.32
      // s after; SGLang on B200 (FlashInfer's MoE), 0.9 s before, 0.3 s after.
      let device = "\(gpu.0.lowercased())/\(row["engine"])"
      let layout =
        pools?.label ?? "tp\(tp)-ep\(ep)\(parallelism.attentionData > 1 ? "-dp-attention" : "")"
      let setup = "\(layout)/\(isl)x\(osl)/c\(concurrency)"
      let kvCache = inferenceMaxKVCache(engine, gpu: gpu.0)
      var experiment = ValidationExperiment(
        suite: name, id: "\(device)/\(setup)/\(run)",
        model: model, gpu: gpu.0, engine: engine, engineVersion: row["engine_image"],
        precision: precision(row["precision"], gpu: gpu.0, kvCache: kvCache)
          ?? Precision(weights: .fp8, activations: .fp8, kvCache: kvCache),
        parallelism: parallelism,
        inputTokens: .uniform(min: isl * 4 / 5, max: isl),
        outputTokens: .uniform(min: osl * 4 / 5, max: osl),
        arrival: .closed(concurrency: concurrency, thinkTime: 0), requests: 10 * concurrency,
        measured: measured)
      // Runs of one set-up on other days, nodes and images: repeats
      // (`ValidationRepeatability`).
      experiment.configuration = "\(device)/\(row["precision"])/\(setup)"
      // The options a planner weighs for this GPU, engine, precision and
      // lengths: every parallelism and concurrency swept (`ValidationDecision`).
      // (Disaggregated runs are not among them: their options differ in GPUs.)
      experiment.choice = pools == nil ? "\(device)/\(row["precision"])/\(isl)x\(osl)" : nil
      experiment.pools = pools
      if pools != nil && engine == .sglang {
        experiment.recipeRedundantExperts = sglangWideEPRedundantExperts
      }
      if pools != nil {
        // Fewer requests per client than the source's 10 where there are
        // many clients (`disaggregatedRequests`).
        experiment.requests = disaggregatedRequests(concurrency: concurrency)
      }
      experiment.coldStart = true
      experiment.warmupPhase = row["date"] >= "2026-01-21"
      if engine == .trtllm && parallelism.attentionData > 1 && pools == nil {
        experiment.attentionDPBalance = inferenceMaxBalance
      }
      if engine == .sglang && ["B200", "B300"].contains(gpu.0) && parallelism.attentionData == 1
        && pools == nil
      {
        experiment.schedulerRecvInterval = inferenceMaxRecvInterval(concurrency: concurrency)
      }
      if engine == .trtllm && pools == nil {
        let drafts = row["spec_decoding"] == "mtp" ? inferenceMaxMTP.tokens : 0
        experiment.scheduler.maxNumBatchedTokens = inferenceMaxTokenBudget(
          inputTokens: isl, concurrency: concurrency, draftTokens: drafts)
        experiment.scheduler.chunkedPrefill = false
      }
      if row["spec_decoding"] == "mtp" {
        experiment.id += "/mtp"
        experiment.configuration? += "/mtp"
        experiment.choice? += "/mtp"
        experiment.speculative = inferenceMaxMTP
        experiment.setsMaxRunning = engine == .sglang
      }
      suite.add(experiment, cluster: gpu.1)
    }
  }
}
