import ServeSim

/// A loaded search file: the space, and the source files a best plan refers to.
public struct LoadedSearch: Sendable {
  public var space: SearchSpace
  /// Absolute paths of the model and workload files, and of each cluster file.
  public var modelPath: String
  public var workloadPath: String
  public var clusterPaths: [String]
  /// Each cluster's calibration store, as a plan's `calibration` key (nil: none).
  public var calibrations: [String?]
  /// What the outcomes depend on (every file read, the overrides, the
  /// version), to refuse resuming from outcomes of other inputs.
  public var inputs: SearchInputs
  /// The draft model file of the search's speculative decoding, if any.
  public var draftModelPath: String?
}

/// Loads `servesim search` files through the same readers as plans
/// (`InputLoader`): the model (a model file or a Hugging Face `config.json`),
/// workload, clusters, SLO, precision and scheduler keys read as in a plan,
/// with lists of candidates where a search varies them.
public enum SearchLoader {
  static let keys = [
    "name", "model", "workload", "slo", "objective", "required_rate", "clusters", "engines",
    "parallelism", "scheduler", "precision", "router", "capacity", "seed", "speculative",
    "speculative_tokens",
  ]
  /// The scheduler keys a search gives as lists of candidates.
  static let schedulerLists: Set<String> = ["policy", "max_num_seqs", "max_num_batched_tokens"]

  /// Loads `path`.
  ///
  /// - Parameter overrides: `--set` overrides; `model.x` and `workload.x`
  ///   reach the named files. Each must reach a key that is read.
  /// - Throws: `ConfigError` naming file, line and key; a precision or
  ///   scheduler setting no plan can use (int4 activations, swap preemption)
  ///   is an error here, as in a plan file.
  public static func load(path: String, overrides: [Override] = []) throws(ConfigError) -> LoadedSearch {
    let input = try InputLoader(
      path: path, overrides: overrides, keys: keys, fileKeys: ["model", "workload"])
    let r = input.reader
    let (model, modelFile) = try input.model()
    let (workload, workloadFile) = try input.workload()
    let slo = try input.slo()
    let objective = try r.choice("objective", SearchObjective.self, default: .goodputPerDevice)
    let required: Double? = r.has("required_rate") ? try r.double("required_rate", positive: true) : nil
    if !objective.maximises && required == nil {
      throw r.fail(
        "objective", "'\(objective.rawValue)' needs required_rate (requests per second to sustain)")
    }
    guard case .sequence(let entries) = try r.require("clusters") else {
      throw r.fail("clusters", "expected a list of {cluster: FILE, max_devices: N}")
    }
    var clusters = [SearchCluster]()
    var clusterPaths = [String]()
    var calibrations = [String?]()
    for (k, entry) in entries.enumerated() {
      let c = try r.item(entry, of: "clusters", at: k, allowed: ["cluster", "max_devices", "calibration"])
      let (cluster, clusterFile) = try input.cluster(c, "cluster")
      var choice = SearchCluster(
        cluster: cluster, maxDevices: try c.int("max_devices", default: cluster.deviceCount, min: 1))
      var calibrationKey: String?
      if c.has("calibration") {
        let (calibration, store) = try input.calibration(c, device: cluster.device)
        choice.calibration = calibration
        calibrationKey = "{file: \(store), device: \(calibration.device)}"
      }
      clusters.append(choice)
      clusterPaths.append(InputLoader.absolute(clusterFile.path))
      calibrations.append(calibrationKey)
    }
    if clusters.isEmpty { throw r.fail("clusters", "give at least one cluster") }
    var space = SearchSpace(
      name: try r.string("name"), model: model, workload: workload, slo: slo, objective: objective,
      requiredRate: required, clusters: clusters)
    if r.has("engines") { space.engines = try r.releaseList("engines") }
    if r.has("parallelism") {
      let p = try r.child(
        "parallelism",
        allowed: ["data", "tensor", "pipeline", "expert", "attention_data", "tensor_within_node"])
      if p.has("data"), (try? p.string("data")) != "auto" { space.data = try p.intList("data", min: 1) }
      if p.has("tensor") { space.tensor = try p.intList("tensor", min: 1) }
      if p.has("pipeline") { space.pipeline = try p.intList("pipeline", min: 1) }
      if p.has("expert") { space.expert = try p.intList("expert", min: 1) }
      if p.has("attention_data") { space.attentionData = try p.intList("attention_data", min: 1) }
      space.tensorWithinNode = try p.bool("tensor_within_node", default: true)
    }
    if r.has("scheduler") {
      let s = try r.child("scheduler", allowed: InputLoader.schedulerKeys)
      space.scheduler = try InputLoader.scheduler(s, lists: schedulerLists)
      if s.has("policy") { space.policies = try s.choiceList("policy", SchedulingPolicy.self) }
      if s.has("max_num_seqs") { space.maxNumSeqs = try s.intList("max_num_seqs", min: 1) }
      if s.has("max_num_batched_tokens") {
        space.maxNumBatchedTokens = try s.intList("max_num_batched_tokens", min: 1, max: 1 << 22)
      }
      if let issue = space.scheduler.applied(to: EngineProfile.of(.vllm).scheduler).validate().first {
        throw input.error(issue)
      }
    }
    if r.has("precision") {
      guard case .sequence(let items) = try r.require("precision") else {
        throw r.fail("precision", "expected a list of {weights, activations, kv_cache}")
      }
      var precisions = [Precision]()
      for (k, item) in items.enumerated() {
        let p = try r.item(item, of: "precision", at: k, allowed: InputLoader.precisionKeys)
        let precision = try InputLoader.precision(p)
        // A format no plan can use is a mistake in the file, not a point to try.
        if let issue = precision.validate().first {
          throw p.fail(String(issue.keyPath.split(separator: ".").last ?? ""), issue.message)
        }
        precisions.append(precision)
      }
      space.precisions = precisions
    }
    let draftPath = try readSpeculative(input, model: model, into: &space)
    space.router = try r.choice("router", RouterKind.self, default: .leastOutstanding)
    if r.has("capacity") {
      let c = try r.child("capacity", allowed: ["tolerance", "max_rate", "requests_per_replica"])
      space.tolerance = try c.double("tolerance", default: 0.05, positive: true, max: 0.5)
      space.maxRate = try c.double("max_rate", default: 1000, positive: true)
      space.requestsPerReplica = try c.int("requests_per_replica", default: 200, min: 10)
    }
    space.seed = UInt64(try r.int("seed", default: 0, min: 0))
    try input.finish()
    return LoadedSearch(
      space: space, modelPath: InputLoader.absolute(modelFile.path),
      workloadPath: InputLoader.absolute(workloadFile.path), clusterPaths: clusterPaths,
      calibrations: calibrations,
      inputs: SearchInputs.reading(input.filesRead, overrides: overrides.map(\.text)),
      draftModelPath: draftPath)
  }
}
