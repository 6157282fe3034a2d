import ServeSim
import Yams

/// Loads a plan file and the files it names into a `PlanSpec`, applying
/// `--set` overrides, filling engine defaults and validating the whole.
public enum PlanLoader {
  static let planKeys = [
    "name", "model", "cluster", "workload", "engine", "parallelism", "precision", "scheduler",
    "router", "slo", "seed", "calibration", "disaggregation", "speculative",
  ]

  /// Loads `path`.
  ///
  /// - Parameters:
  ///   - overrides: `--set` overrides; `model.x`, `cluster.x` (and
  ///     `cluster.device.x`) and `workload.x` reach the named files. Each must
  ///     reach a key that is read.
  ///   - seed: replaces the plan's `seed` when given.
  /// - Throws: `ConfigError` naming file, line and key.
  public static func load(path: String, overrides: [Override] = [], seed: UInt64? = nil)
    throws(ConfigError) -> PlanSpec
  {
    try load(
      InputLoader(
        path: path, overrides: overrides, keys: planKeys, fileKeys: ["model", "cluster", "workload"]),
      seed: seed)
  }

  static func load(_ input: InputLoader, seed: UInt64?) throws(ConfigError) -> PlanSpec {
    let r = input.reader
    let (model, modelFile) = try input.model()
    let (cluster, clusterFile) = try input.cluster(r, "cluster", overrides: input.routed["cluster"] ?? [])
    let (workload, workloadFile) = try input.workload()
    let options = try r.engine("engine", default: .vllm)
    let release = options.release
    let engine = release.engine
    var parallelism = Parallelism()
    var balance: AttentionDPBalance?
    if r.has("parallelism") {
      let p = try r.child(
        "parallelism",
        allowed: [
          "data", "tensor", "pipeline", "expert", "stage_layers", "expert_imbalance", "attention_data",
          "attention_balance", "redundant_experts",
        ])
      parallelism = Parallelism(
        data: try p.int("data", default: 1, min: 1, max: 1 << 20),
        tensor: try p.int("tensor", default: 1, min: 1, max: 1 << 20),
        pipeline: try p.int("pipeline", default: 1, min: 1, max: 1 << 20),
        expert: try p.int("expert", default: 1, min: 1, max: 1 << 20),
        stageLayers: p.has("stage_layers") ? try p.intList("stage_layers", min: 1) : nil)
      parallelism.expertImbalance = try p.double("expert_imbalance", default: 0, min: 0, max: 10)
      parallelism.attentionData = try p.int("attention_data", default: 1, min: 1, max: 1 << 20)
      parallelism.redundantExperts = try p.int("redundant_experts", default: 0, min: 0, max: 1 << 16)
      balance = try p.attentionBalance("attention_balance")
    }
    let precision =
      r.has("precision")
      ? try InputLoader.precision(try r.child("precision", allowed: InputLoader.precisionKeys)) : Precision()
    var settings =
      r.has("scheduler")
      ? try InputLoader.scheduler(try r.child("scheduler", allowed: InputLoader.schedulerKeys))
      : SchedulerSettings()
    let fileSeed = UInt64(try r.int("seed", default: 0, min: 0))
    var plan = PlanSpec(
      name: try r.string("name"), model: model, cluster: cluster, workload: workload,
      engine: engine, parallelism: parallelism, precision: precision,
      scheduler: EngineProfile.of(engine).scheduler,
      router: try r.choice("router", RouterKind.self, default: .roundRobin), slo: try input.slo(),
      seed: seed ?? fileSeed)
    plan.engineVersion = release.version
    plan.attentionDPBalance = balance
    plan.customAllReduce = options.customAllReduce
    plan.schedulerRecvInterval = options.recvInterval
    plan.cudaGraphMaxBatch = options.cudaGraphMaxBatch
    plan.tokenizeUsPerToken = options.tokenizeUsPerToken
    if let llamacpp = options.llamacpp { plan.applyLlamaCpp(llamacpp, to: &settings) }
    if r.has("disaggregation") {
      plan.disaggregation = try disaggregation(input, cluster: cluster)
    }
    if r.has("calibration") {
      plan.calibration = try input.calibration(r, device: cluster.device).calibration
    }
    if r.has("speculative") { plan.speculative = try input.speculative(target: model).spec }
    plan.applyScheduler(settings)
    try input.finish()
    if let issue = plan.validate().first {
      throw input.error(
        issue,
        files: [.model: modelFile, .cluster: clusterFile, .device: clusterFile, .workload: workloadFile])
    }
    return plan
  }

  /// Reads `disaggregation: {prefill: {replicas, tensor, expert, attention_data,
  /// cluster}, decode: {...},
  /// transfer: {kind, bandwidth_gbps, latency_us, efficiency}}`.
  static func disaggregation(_ input: InputLoader, cluster: ClusterSpec) throws(ConfigError) -> Disaggregation
  {
    let d = try input.reader.child("disaggregation", allowed: ["prefill", "decode", "transfer"])
    func pool(_ key: String) throws(ConfigError) -> Disaggregation.Pool {
      let p = try d.child(key, allowed: ["replicas", "tensor", "expert", "attention_data", "cluster"])
      return Disaggregation.Pool(
        replicas: try p.int("replicas", default: 1, min: 1, max: 1 << 20),
        tensor: try p.int("tensor", default: 1, min: 1, max: 1 << 20),
        cluster: p.has("cluster") ? try input.cluster(p, "cluster").0 : cluster,
        expert: p.has("expert") ? try p.int("expert", default: 1, min: 1, max: 1 << 20) : nil,
        attentionData: try p.int("attention_data", default: 1, min: 1, max: 1 << 20))
    }
    let prefill = try pool("prefill")
    let decode = try pool("decode")
    let link =
      d.has("transfer")
      ? try SpecDecoders.link(try d.child("transfer", allowed: SpecDecoders.linkKeys)) : nil
    return Disaggregation(prefill: prefill, decode: decode, transferLink: link, cluster: cluster)
  }
}
