import Foundation
import ServeSim

/// The shipped validation suite: measured serving runs from public sources
/// (`validation/*.csv`, see `validation/README.md`), each turned into a
/// `ValidationExperiment` that servesim replays.
public struct ValidationSuite: Sendable {
  /// The suites, with the file each reads under `validation/`.
  public static let sources: [(name: String, file: String)] = [
    ("trtllm-online", "trtllm_online_serving_v0.14.csv"),
    ("trtllm-offline", "trtllm_perf_overview.csv"),
    ("inferencemax", "inferencemax_dsr1.csv"),
  ]

  /// The experiments, in source and row order.
  public private(set) var experiments: [ValidationExperiment] = []
  /// The cluster file stem (under `clusters/`) of each experiment.
  public private(set) var clusters: [String] = []
  /// Source rows not replayed: (suite, reason, rows), sorted by suite and reason.
  public var skipped: [(suite: String, reason: String, rows: Int)] {
    skips.keys.sorted { ($0.suite, $0.reason) < ($1.suite, $1.reason) }.map {
      ($0.suite, $0.reason, skips[$0] ?? 0)
    }
  }
  private var skips = [SkipKey: Int]()
  private var ids = Set<String>()

  private struct SkipKey: Hashable, Sendable {
    var suite: String
    var reason: String
  }

  init() {}

  /// Reads the suites under `root/validation` (all, or the one named).
  ///
  /// - Throws: `ConfigError` for an unknown suite or a file that cannot be read.
  public static func load(root: String, suite: String? = nil) throws(ConfigError) -> ValidationSuite {
    if let suite, !sources.contains(where: { $0.name == suite }) {
      throw ConfigError(
        file: "--suite", line: nil, keyPath: nil,
        message: "unknown suite '\(suite)'; valid: \(sources.map(\.name).joined(separator: ", "))")
    }
    var loaded = ValidationSuite()
    for source in sources where suite == nil || suite == source.name {
      let path = Self.path(root, "validation", source.file)
      let table = try CSVTable(file: path)
      switch source.name {
      case "trtllm-online": trtllmOnline(table, into: &loaded)
      case "trtllm-offline": trtllmOffline(table, into: &loaded)
      default: inferenceMax(table, into: &loaded)
      }
    }
    return loaded
  }

  mutating func skip(_ suite: String, _ reason: String) {
    skips[SkipKey(suite: suite, reason: reason), default: 0] += 1
  }

  /// Adds an experiment; a repeated configuration gets "#2", "#3"... so IDs
  /// stay unique and stable.
  mutating func add(_ experiment: ValidationExperiment, cluster: String) {
    var e = experiment
    var n = 1
    while ids.contains("\(e.suite)/\(e.id)") {
      n += 1
      e.id = "\(experiment.id)#\(n)"
    }
    ids.insert("\(e.suite)/\(e.id)")
    experiments.append(e)
    clusters.append(cluster)
  }

  /// Keeps only the experiments `predicate` accepts (a subset for tests).
  mutating func keep(_ predicate: (ValidationExperiment) -> Bool) {
    let kept = zip(experiments, clusters).filter { predicate($0.0) }
    experiments = kept.map(\.0)
    clusters = kept.map(\.1)
  }

  /// Replays every experiment (in parallel, on every core) and returns their
  /// rows in experiment order; the same files give the same rows.
  ///
  /// - Throws: `ConfigError` when a model or cluster file cannot be read.
  public func run(root: String) throws(ConfigError) -> [ValidationRow] {
    var models = [String: ModelSpec]()
    var clusterSpecs = [String: ClusterSpec]()
    for (e, c) in zip(experiments, clusters) {
      if models[e.model] == nil {
        models[e.model] = try SpecDecoders.model(
          YAMLFile(path: Self.path(root, "models", e.model + ".yaml"), referencedBy: nil))
      }
      if clusterSpecs[c] == nil {
        clusterSpecs[c] = try SpecDecoders.cluster(
          YAMLFile(path: Self.path(root, "clusters", c + ".yaml"), referencedBy: nil), overrides: [])
      }
    }
    let jobs: [(ValidationExperiment, ModelSpec, ClusterSpec)] = zip(experiments, clusters).compactMap {
      e, c in
      guard let model = models[e.model], let cluster = clusterSpecs[c] else { return nil }
      return (e, model, cluster)
    }
    // The longest first (decode steps ≈ requests × output length), so that
    // no long one is left running alone at the end; results keep their slots.
    let order = jobs.indices.sorted {
      let (a, b) = (jobs[$0].0, jobs[$1].0)
      let costA = Double(a.requests + a.warmupRequests) * a.outputTokens.nominalMean
      let costB = Double(b.requests + b.warmupRequests) * b.outputTokens.nominalMean
      return costA != costB ? costA > costB : $0 < $1
    }
    var outcomes = [ValidationOutcome](repeating: .failed("not run"), count: jobs.count)
    outcomes.withUnsafeMutableBufferPointer { slots in
      let base = UnsafeSendable(slots)
      DispatchQueue.concurrentPerform(iterations: order.count) { k in
        let i = order[k]
        base.value[i] = ValidationReplay.run(jobs[i].0, model: jobs[i].1, cluster: jobs[i].2)
      }
    }
    return zip(jobs, outcomes).flatMap { job, outcome in ValidationRow.rows(job.0, outcome) }
  }

  static func path(_ root: String, _ parts: String...) -> String {
    var path = root.isEmpty ? "." : root
    for part in parts { path = (path as NSString).appendingPathComponent(part) }
    return path
  }
}

/// A buffer each concurrent job writes one distinct slot of.
private struct UnsafeSendable: @unchecked Sendable {
  let value: UnsafeMutableBufferPointer<ValidationOutcome>
  init(_ value: UnsafeMutableBufferPointer<ValidationOutcome>) { self.value = value }
}
