import Foundation
import ServeSim

/// The shipped validation suite: measured serving runs from public sources
/// (`validation/*.csv`, see `validation/README.md`), each turned into a
/// `ValidationExperiment` that servesim replays, and public kernel tables,
/// each row a `ValidationKernel` that the cost model prices.
public struct ValidationSuite: Sendable {
  /// The suites, with the file each reads under `validation/`.
  public static let sources: [(name: String, file: String)] = [
    ("trtllm-online", "trtllm_online_serving_v0.14.csv"),
    ("trtllm-offline", "trtllm_perf_overview.csv"),
    ("inferencemax", "inferencemax_dsr1.csv"),
    ("deepgemm", "deepgemm_fp8_gemm.csv"),
    ("aiter", "aiter_a8w8_blockscale_gemm.csv"),
    ("aiconfigurator", "aiconfigurator_gemm.csv"),
    ("aiconfigurator-mla", "aiconfigurator_mla_context.csv"),
    ("aiconfigurator-mla-decode", "aiconfigurator_mla_generation.csv"),
    ("aiconfigurator-attention", "aiconfigurator_attention.csv"),
    ("aiconfigurator-attention-decode", "aiconfigurator_attention.csv"),
    ("nccl-tests", "nccl_tests_allreduce.csv"),
    ("llamacpp-host", "host/llamacpp-epyc-2c-2026-11-30.csv"),
  ]

  /// The hardware file a kernel is priced on: a device file stem under
  /// `clusters/devices`, or a cluster file stem under `clusters/` (collectives).
  enum KernelTarget: Hashable, Sendable {
    case device(String)
    case cluster(String)
  }

  /// The experiments, in source and row order.
  public private(set) var experiments: [ValidationExperiment] = []
  /// The cluster file stem (under `clusters/`) of each experiment.
  public private(set) var clusters: [String] = []
  /// The kernels of the kernel tables, in source and row order.
  public private(set) var kernels: [ValidationKernel] = []
  /// The hardware file of each kernel.
  private(set) var kernelTargets: [KernelTarget] = []
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
  /// - Throws: `ConfigError` for an unknown suite, a file that cannot be read
  ///   or a kernel table without a column it needs.
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
      case "deepgemm": try deepGEMM(table, into: &loaded)
      case "aiter": try aiter(table, into: &loaded)
      case "aiconfigurator": try aiConfigurator(table, into: &loaded)
      case "aiconfigurator-mla": try aiConfiguratorMLA(table, into: &loaded)
      case "aiconfigurator-mla-decode": try aiConfiguratorMLADecode(table, into: &loaded)
      case "aiconfigurator-attention": try aiConfiguratorAttention(table, phase: "context", into: &loaded)
      case "aiconfigurator-attention-decode":
        try aiConfiguratorAttention(table, phase: "generation", into: &loaded)
      case "nccl-tests": try ncclTests(table, into: &loaded)
      case "llamacpp-host": llamaCppHost(table, into: &loaded)
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
    e.id = uniqueID(suite: e.suite, id: e.id)
    experiments.append(e)
    clusters.append(cluster)
  }

  /// `id`, or the first of "id#2", "id#3"... not yet taken in `suite`; taken now.
  private mutating func uniqueID(suite: String, id: String) -> String {
    var unique = id
    var n = 1
    while ids.contains("\(suite)/\(unique)") {
      n += 1
      unique = "\(id)#\(n)"
    }
    ids.insert("\(suite)/\(unique)")
    return unique
  }

  /// Adds a kernel priced on `target` (IDs are unique by construction; a
  /// repeated one gets "#2", "#3"...).
  mutating func add(_ kernel: ValidationKernel, target: KernelTarget) {
    var k = kernel
    k.id = uniqueID(suite: k.suite, id: k.id)
    kernels.append(k)
    kernelTargets.append(target)
  }

  /// Keeps only the kernels `predicate` accepts (a subset for tests).
  mutating func keepKernels(_ predicate: (ValidationKernel) -> Bool) {
    let kept = zip(kernels, kernelTargets).filter { predicate($0.0) }
    kernels = kept.map(\.0)
    kernelTargets = kept.map(\.1)
  }

  /// Keeps only the experiments `predicate` accepts (a subset for tests).
  mutating func keep(_ predicate: (ValidationExperiment) -> Bool) {
    let kept = zip(experiments, clusters).filter { predicate($0.0) }
    experiments = kept.map(\.0)
    clusters = kept.map(\.1)
  }

  /// Replays every experiment (in parallel, on every core) and prices every
  /// kernel, and returns their rows in experiment order, then kernel order;
  /// the same files give the same rows.
  ///
  /// - Throws: `ConfigError` when a model, cluster or device file cannot be read.
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
    let served = zip(jobs, outcomes).flatMap { job, outcome in ValidationRow.rows(job.0, outcome) }
    return served + (try priceKernels(root: root))
  }

  /// Prices every kernel with the cost model as `servesim cost` does, on its
  /// device file (with the calibration the file names) or cluster file.
  func priceKernels(root: String) throws(ConfigError) -> [ValidationRow] {
    var devices = [String: DeviceSpec]()
    var clusterSpecs = [String: ClusterSpec]()
    var rows = [ValidationRow]()
    rows.reserveCapacity(kernels.count)
    for (kernel, target) in zip(kernels, kernelTargets) {
      var device: DeviceSpec
      var cluster: ClusterSpec?
      switch target {
      case .device(let stem):
        if devices[stem] == nil {
          devices[stem] = try SpecDecoders.device(
            YAMLFile(path: Self.path(root, "clusters", "devices", stem + ".yaml"), referencedBy: nil))
        }
        guard let spec = devices[stem] else { continue }
        device = spec
      case .cluster(let stem):
        if clusterSpecs[stem] == nil {
          clusterSpecs[stem] = try SpecDecoders.cluster(
            YAMLFile(path: Self.path(root, "clusters", stem + ".yaml"), referencedBy: nil), overrides: [])
        }
        guard let spec = clusterSpecs[stem] else { continue }
        cluster = spec
        device = spec.device
      }
      let priced = OperatorPricer.price(
        kernel.op, shape: kernel.shape, dtype: kernel.dtype, kvDType: kernel.kvDType, device: device,
        cluster: cluster, calibration: nil, quantisesInput: kernel.quantisesInput,
        fp8Scaling: kernel.fp8Scaling, mla: kernel.mla, kvPoolTokens: kernel.kvPoolTokens,
        engine: kernel.servingEngine)
      rows.append(kernel.row(predictedUs: priced.map { $0.seconds * 1e6 }, failure: "needs a cluster"))
    }
    return rows
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
