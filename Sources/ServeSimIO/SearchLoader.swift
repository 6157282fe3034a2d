import Foundation
import ServeSim
import Yams

/// A loaded search file: the space, and the source files a best plan refers to.
public struct LoadedSearch: Sendable {
  public var space: SearchSpace
  /// Absolute paths of the model and workload files, and of each cluster file.
  public var modelPath: String
  public var workloadPath: String
  public var clusterPaths: [String]
  /// A fingerprint of the search's inputs, to refuse resuming a different search.
  public var fingerprint: String
}

/// Loads `servesim search` files.
public enum SearchLoader {
  static let keys = [
    "name", "model", "workload", "slo", "objective", "required_rate", "clusters", "engines",
    "parallelism", "scheduler", "precision", "router", "capacity", "seed",
  ]

  public static func load(path: String, overrides: [Override] = []) throws(ConfigError) -> LoadedSearch {
    var file = try YAMLFile(path: path, referencedBy: nil)
    let routed = file.apply(overrides, fileKeys: ["model", "workload"])
    let r = try NodeReader(file.root, file: path, allowed: keys)
    func named(_ key: String) throws(ConfigError) -> YAMLFile {
      var f = try YAMLFile(path: file.resolve(try r.string(key)), referencedBy: (path, r.line(of: key), key))
      _ = f.apply(routed[key] ?? [], fileKeys: [])
      return f
    }
    let modelFile = try named("model")
    let workloadFile = try named("workload")
    let model = try SpecDecoders.model(modelFile)
    let workload = try SpecDecoders.workload(workloadFile)
    var slo = ServiceLevel(ttftMs: 2000, tpotMs: 100, percentile: 90)
    if r.has("slo") {
      let s = try r.child("slo", allowed: ["ttft_ms", "tpot_ms", "percentile"])
      slo = ServiceLevel(
        ttftMs: try s.double("ttft_ms", default: 2000, positive: true),
        tpotMs: try s.double("tpot_ms", default: 100, positive: true),
        percentile: try s.double("percentile", default: 90, positive: true, max: 100))
    }
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
    for (k, entry) in entries.enumerated() {
      let c = try NodeReader(entry, file: path, path: "clusters[\(k)]", allowed: ["cluster", "max_devices"])
      let clusterPath = file.resolve(try c.string("cluster"))
      let cf = try YAMLFile(
        path: clusterPath, referencedBy: (path, c.line(of: "cluster"), "clusters[\(k)].cluster"))
      let cluster = try SpecDecoders.cluster(cf, overrides: [])
      clusters.append(
        SearchCluster(
          cluster: cluster, maxDevices: try c.int("max_devices", default: cluster.deviceCount, min: 1)))
      clusterPaths.append(absolute(clusterPath))
    }
    if clusters.isEmpty { throw r.fail("clusters", "give at least one cluster") }
    var space = SearchSpace(
      name: try r.string("name"), model: model, workload: workload, slo: slo, objective: objective,
      requiredRate: required, clusters: clusters)
    if r.has("engines") { space.engines = try r.choiceList("engines", EngineKind.self) }
    if r.has("parallelism") {
      let p = try r.child(
        "parallelism", allowed: ["data", "tensor", "pipeline", "expert", "tensor_within_node"])
      if p.has("data"), (try? p.string("data")) != "auto" { space.data = try p.intList("data", min: 1) }
      if p.has("tensor") { space.tensor = try p.intList("tensor", min: 1) }
      if p.has("pipeline") { space.pipeline = try p.intList("pipeline", min: 1) }
      if p.has("expert") { space.expert = try p.intList("expert", min: 1) }
      space.tensorWithinNode = try p.bool("tensor_within_node", default: true)
    }
    if r.has("scheduler") {
      let s = try r.child("scheduler", allowed: ["policy", "max_num_seqs", "max_num_batched_tokens"])
      if s.has("policy") { space.policies = try s.choiceList("policy", SchedulingPolicy.self) }
      if s.has("max_num_seqs") { space.maxNumSeqs = try s.intList("max_num_seqs", min: 1) }
      if s.has("max_num_batched_tokens") {
        space.maxNumBatchedTokens = try s.intList("max_num_batched_tokens", min: 1, max: 1 << 22)
      }
    }
    if r.has("precision") {
      guard case .sequence(let items) = try r.require("precision") else {
        throw r.fail("precision", "expected a list of {weights, activations, kv_cache}")
      }
      var precisions = [Precision]()
      for (k, item) in items.enumerated() {
        let p = try NodeReader(
          item, file: path, path: "precision[\(k)]", allowed: ["weights", "activations", "kv_cache"])
        precisions.append(
          Precision(
            weights: try p.choice("weights", DType.self, default: .bf16),
            activations: try p.choice("activations", DType.self, default: .bf16),
            kvCache: try p.choice("kv_cache", DType.self, default: .bf16)))
      }
      space.precisions = precisions
    }
    space.router = try r.choice("router", RouterKind.self, default: .leastOutstanding)
    if r.has("capacity") {
      let c = try r.child("capacity", allowed: ["tolerance", "max_rate", "requests_per_replica"])
      space.tolerance = try c.double("tolerance", default: 0.05, positive: true, max: 0.5)
      space.maxRate = try c.double("max_rate", default: 1000, positive: true)
      space.requestsPerReplica = try c.int("requests_per_replica", default: 200, min: 10)
    }
    space.seed = UInt64(try r.int("seed", default: 0, min: 0))
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    let fingerprint = String(
      (text + overrides.map { $0.path.joined(separator: ".") + "=" + $0.value }.joined(separator: ";"))
        .utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }, radix: 16
    )
    return LoadedSearch(
      space: space, modelPath: absolute(modelFile.path), workloadPath: absolute(workloadFile.path),
      clusterPaths: clusterPaths, fingerprint: fingerprint)
  }

  static func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }
}
