import Foundation
import ServeSim

/// What plan and search files share: the file with its `--set` overrides,
/// the model, cluster and workload files it names, and its `slo`, `precision`
/// and `scheduler` keys. `PlanLoader` and `SearchLoader` read through it, so
/// both accept the same inputs and reject the same mistakes.
struct InputLoader {
  /// Every file read, every key read and every override applied.
  let log = ReadLog()
  /// The plan or search file.
  let file: YAMLFile
  /// A reader of its top mapping.
  let reader: NodeReader
  /// Overrides for the files it names, by naming key.
  let routed: [String: [Override]]

  static let sloKeys = ["ttft_ms", "tpot_ms", "percentile", "headroom"]
  static let precisionKeys = ["weights", "activations", "kv_cache"]
  static let schedulerKeys = [
    "policy", "max_num_seqs", "max_num_batched_tokens", "chunked_prefill", "block_size",
    "memory_utilization", "preemption", "prefix_caching", "kv_offload",
  ]

  /// Reads `path`, applying `overrides`; those starting with one of
  /// `fileKeys` reach the file named there.
  init(path: String, overrides: [Override], keys: [String], fileKeys: Set<String>) throws(ConfigError) {
    var file = try YAMLFile(path: path, referencedBy: nil, log: log)
    routed = file.apply(overrides, fileKeys: fileKeys)
    self.file = file
    reader = try file.reader(allowed: keys)
  }

  /// The file named at top-level `key`, with the overrides routed to it.
  func named(_ key: String) throws(ConfigError) -> YAMLFile {
    var named = try file.open(reader, key)
    _ = named.apply(routed[key] ?? [], fileKeys: [])
    return named
  }

  /// The model named at `model`: a model YAML file or a Hugging Face `config.json`.
  func model() throws(ConfigError) -> (ModelSpec, YAMLFile) {
    let modelFile = try named("model")
    let model =
      HFConfig.isConfig(path: modelFile.path)
      ? try HFConfig.model(modelFile) : try SpecDecoders.model(modelFile)
    return (model, modelFile)
  }

  /// The workload named at `workload`.
  func workload() throws(ConfigError) -> (WorkloadSpec, YAMLFile) {
    let workloadFile = try named("workload")
    return (try SpecDecoders.workload(workloadFile), workloadFile)
  }

  /// The cluster file named at `key` of `r`, with `overrides` (`device.x`
  /// reaches its device file).
  func cluster(_ r: NodeReader, _ key: String, overrides: [Override] = []) throws(ConfigError)
    -> (ClusterSpec, YAMLFile)
  {
    let clusterFile = try file.open(r, key)
    return (try SpecDecoders.cluster(clusterFile, overrides: overrides), clusterFile)
  }

  /// The `slo` key (TTFT 2 s and TPOT 100 ms at p90 when absent).
  func slo() throws(ConfigError) -> ServiceLevel {
    guard reader.has("slo") else { return ServiceLevel(ttftMs: 2000, tpotMs: 100, percentile: 90) }
    let s = try reader.child("slo", allowed: Self.sloKeys)
    return ServiceLevel(
      ttftMs: try s.double("ttft_ms", default: 2000, positive: true),
      tpotMs: try s.double("tpot_ms", default: 100, positive: true),
      percentile: try s.double("percentile", default: 90, positive: true, max: 100),
      headroom: try s.double("headroom", default: 0, min: 0, max: 0.9))
  }

  /// A `{weights, activations, kv_cache}` mapping (bf16 where absent).
  static func precision(_ p: NodeReader) throws(ConfigError) -> Precision {
    Precision(
      weights: try p.choice("weights", DType.self, default: .bf16),
      activations: try p.choice("activations", DType.self, default: .bf16),
      kvCache: try p.choice("kv_cache", DType.self, default: .bf16))
  }

  /// A `scheduler` mapping; the keys in `lists` are read by the caller
  /// (a search's lists of candidates).
  static func scheduler(_ s: NodeReader, lists: Set<String> = []) throws(ConfigError) -> SchedulerSettings {
    var settings = SchedulerSettings()
    func wanted(_ key: String) -> Bool { s.has(key) && !lists.contains(key) }
    if wanted("policy") { settings.policy = try s.choice("policy", SchedulingPolicy.self) }
    if wanted("max_num_seqs") { settings.maxNumSeqs = try s.int("max_num_seqs", min: 1, max: 1 << 20) }
    if wanted("max_num_batched_tokens") {
      settings.maxNumBatchedTokens = try s.int("max_num_batched_tokens", min: 1, max: 1 << 22)
    }
    if wanted("chunked_prefill") { settings.chunkedPrefill = try s.bool("chunked_prefill") }
    if wanted("block_size") { settings.blockSize = try s.int("block_size", min: 1, max: 4096) }
    if wanted("memory_utilization") {
      settings.memoryUtilization = try s.double("memory_utilization", positive: true, max: 1)
    }
    if wanted("preemption") { settings.preemption = try s.choice("preemption", PreemptionMode.self) }
    if wanted("prefix_caching") { settings.prefixCaching = try s.bool("prefix_caching") }
    if wanted("kv_offload") {
      let o = try s.child("kv_offload", allowed: ["capacity_gb", "bandwidth_gbps", "latency_us"])
      settings.kvOffload = KVOffloadSettings(
        capacityGB: o.has("capacity_gb") ? try o.double("capacity_gb", positive: true, max: 1e6) : nil,
        bandwidthGBps: o.has("bandwidth_gbps")
          ? try o.double("bandwidth_gbps", positive: true, max: 1e5) : nil,
        latencyUs: o.has("latency_us") ? try o.double("latency_us", min: 0, max: 1e6) : nil)
    }
    return settings
  }

  /// Checks that every `--set` override reached a key that was read.
  func finish() throws(ConfigError) {
    try log.checkOverrides()
  }

  /// The error of a plan rule broken at `issue`, located in the file it names.
  ///
  /// - Parameter files: the file of each kind (this file when absent).
  func error(_ issue: PlanIssue, files: [PlanFile: YAMLFile] = [:]) -> ConfigError {
    let at = files[issue.file] ?? file
    return ConfigError(
      file: at.path, line: at.line(at: issue.keyPath), keyPath: issue.keyPath, message: issue.message)
  }

  /// The files read, as absolute paths, in the order read.
  var filesRead: [String] { log.files.map(Self.absolute) }

  static func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }
}
