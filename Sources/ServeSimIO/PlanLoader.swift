import ServeSim
import Yams

/// Loads a plan file and the files it names into a `PlanSpec`, applying
/// `--set` overrides, filling engine defaults and validating the whole.
public enum PlanLoader {
  static let planKeys = [
    "name", "model", "cluster", "workload", "engine", "parallelism", "precision", "scheduler",
    "router", "slo", "seed", "calibration", "disaggregation",
  ]
  static let schedulerKeys = [
    "policy", "max_num_seqs", "max_num_batched_tokens", "chunked_prefill", "block_size",
    "memory_utilization", "preemption", "prefix_caching",
  ]

  /// Loads `path`.
  ///
  /// - Parameters:
  ///   - overrides: `--set` overrides; `model.x`, `cluster.x` (and
  ///     `cluster.device.x`) and `workload.x` reach the named files.
  ///   - seed: replaces the plan's `seed` when given.
  /// - Throws: `ConfigError` naming file, line and key.
  public static func load(path: String, overrides: [Override] = [], seed: UInt64? = nil)
    throws(ConfigError) -> PlanSpec
  {
    var planFile = try YAMLFile(path: path, referencedBy: nil)
    let routed = planFile.apply(overrides, fileKeys: ["model", "cluster", "workload"])
    let r = try NodeReader(planFile.root, file: path, allowed: planKeys)

    func named(_ key: String) throws(ConfigError) -> YAMLFile {
      var file = try YAMLFile(
        path: planFile.resolve(try r.string(key)), referencedBy: (path, r.line(of: key), key))
      if key != "cluster" { _ = file.apply(routed[key] ?? [], fileKeys: []) }
      return file
    }
    let modelFile = try named("model")
    let clusterFile = try named("cluster")
    let workloadFile = try named("workload")
    let model =
      HFConfig.isConfig(path: modelFile.path)
      ? try HFConfig.model(modelFile) : try SpecDecoders.model(modelFile)
    let cluster = try SpecDecoders.cluster(clusterFile, overrides: routed["cluster"] ?? [])
    let workload = try SpecDecoders.workload(workloadFile)

    let engine = try r.choice("engine", EngineKind.self, default: .vllm)
    var parallelism = Parallelism()
    if r.has("parallelism") {
      let p = try r.child(
        "parallelism",
        allowed: ["data", "tensor", "pipeline", "expert", "stage_layers", "expert_imbalance"])
      parallelism = Parallelism(
        data: try p.int("data", default: 1, min: 1, max: 1 << 20),
        tensor: try p.int("tensor", default: 1, min: 1, max: 1 << 20),
        pipeline: try p.int("pipeline", default: 1, min: 1, max: 1 << 20),
        expert: try p.int("expert", default: 1, min: 1, max: 1 << 20),
        stageLayers: p.has("stage_layers") ? try p.intList("stage_layers", min: 1) : nil)
      parallelism.expertImbalance = try p.double("expert_imbalance", default: 0, min: 0, max: 10)
    }
    var precision = Precision()
    if r.has("precision") {
      let p = try r.child("precision", allowed: ["weights", "activations", "kv_cache"])
      precision = Precision(
        weights: try p.choice("weights", DType.self, default: .bf16),
        activations: try p.choice("activations", DType.self, default: .bf16),
        kvCache: try p.choice("kv_cache", DType.self, default: .bf16))
      if precision.activations == .int4 {
        throw p.fail("activations", "int4 activations are not supported; valid: fp32, bf16, fp16, fp8, int8")
      }
    }
    let defaults = EngineProfile.defaultScheduler(
      engine, model: model, device: cluster.device, parallelism: parallelism, precision: precision)
    var scheduler = defaults
    var prefixCachingSet = false
    if r.has("scheduler") {
      let s = try r.child("scheduler", allowed: schedulerKeys)
      prefixCachingSet = s.has("prefix_caching")
      scheduler.policy = try s.choice("policy", SchedulingPolicy.self, default: defaults.policy)
      scheduler.maxNumSeqs = try s.int(
        "max_num_seqs", default: defaults.maxNumSeqs, min: 1, max: 1 << 20)
      scheduler.maxNumBatchedTokens = try s.int(
        "max_num_batched_tokens", default: defaults.maxNumBatchedTokens, min: 1, max: 1 << 22)
      scheduler.chunkedPrefill = try s.bool("chunked_prefill", default: defaults.chunkedPrefill)
      scheduler.blockSize = try s.int("block_size", default: defaults.blockSize, min: 1, max: 4096)
      scheduler.memoryUtilization = try s.double(
        "memory_utilization", default: defaults.memoryUtilization, positive: true, max: 1)
      scheduler.preemption = try s.choice("preemption", PreemptionMode.self, default: .recompute)
      if scheduler.preemption == .swap {
        throw s.fail(
          "preemption", "swap preemption is not modelled (vLLM's V1 engine removed it); valid: recompute")
      }
      scheduler.prefixCaching = try s.bool("prefix_caching", default: defaults.prefixCaching)
    }
    var slo = ServiceLevel(ttftMs: 2000, tpotMs: 100, percentile: 90)
    if r.has("slo") {
      let s = try r.child("slo", allowed: ["ttft_ms", "tpot_ms", "percentile"])
      slo = ServiceLevel(
        ttftMs: try s.double("ttft_ms", default: 2000, positive: true),
        tpotMs: try s.double("tpot_ms", default: 100, positive: true),
        percentile: try s.double("percentile", default: 90, positive: true, max: 100))
    }
    let planSeed: UInt64
    if let seed {
      planSeed = seed
    } else {
      planSeed = UInt64(try r.int("seed", default: 0, min: 0))
    }
    var plan = PlanSpec(
      name: try r.string("name"), model: model, cluster: cluster, workload: workload,
      engine: engine, parallelism: parallelism, precision: precision, scheduler: scheduler,
      router: try r.choice("router", RouterKind.self, default: .roundRobin), slo: slo,
      seed: planSeed)
    if r.has("disaggregation") {
      plan.disaggregation = try disaggregation(r, planFile: planFile, cluster: cluster)
    }
    if r.has("calibration") {
      plan.calibration = try calibration(r, planFile: planFile, device: cluster.device)
    }
    // The engine's default prefix caching applies where it is modelled (not
    // with static batching or disaggregated pools).
    if !prefixCachingSet && !plan.prefixCachingModelled {
      plan.scheduler.prefixCaching = false
    }
    if let issue = plan.validate().first {
      let file: YAMLFile
      switch issue.file {
      case .plan: file = planFile
      case .model: file = modelFile
      case .cluster, .device: file = clusterFile
      case .workload: file = workloadFile
      }
      throw ConfigError(
        file: file.path, line: file.line(at: issue.keyPath), keyPath: issue.keyPath,
        message: issue.message)
    }
    return plan
  }

  /// Reads `disaggregation: {prefill: {replicas, tensor, cluster}, decode: {...},
  /// transfer: {kind, bandwidth_gbps, latency_us, efficiency}}`.
  static func disaggregation(_ r: NodeReader, planFile: YAMLFile, cluster: ClusterSpec)
    throws(ConfigError) -> Disaggregation
  {
    let d = try r.child("disaggregation", allowed: ["prefill", "decode", "transfer"])
    func pool(_ key: String) throws(ConfigError) -> Disaggregation.Pool {
      let p = try d.child(key, allowed: ["replicas", "tensor", "cluster"])
      var poolCluster = cluster
      if p.has("cluster") {
        let file = try YAMLFile(
          path: planFile.resolve(try p.string("cluster")),
          referencedBy: (planFile.path, p.line(of: "cluster"), "disaggregation.\(key).cluster"))
        poolCluster = try SpecDecoders.cluster(file, overrides: [])
      }
      return Disaggregation.Pool(
        replicas: try p.int("replicas", default: 1, min: 1, max: 1 << 20),
        tensor: try p.int("tensor", default: 1, min: 1, max: 1 << 20),
        cluster: poolCluster)
    }
    let prefill = try pool("prefill")
    let decode = try pool("decode")
    var link = prefill.cluster.interNode ?? prefill.cluster.intraNode
    if prefill.cluster == decode.cluster && prefill.devices + decode.devices <= cluster.devicesPerNode {
      link = cluster.intraNode
    }
    if d.has("transfer") {
      link = try SpecDecoders.link(try d.child("transfer", allowed: SpecDecoders.linkKeys))
    }
    return Disaggregation(prefill: prefill, decode: decode, transferLink: link)
  }
}
