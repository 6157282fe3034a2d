import Foundation
import ServeSim
import Yams

/// Decoders of the model, device, cluster and workload files.
enum SpecDecoders {
  static let modelKeys = [
    "name", "layers", "hidden_size", "heads", "kv_heads", "head_dim", "intermediate_size",
    "gated_mlp", "activation", "norm", "position_embedding", "vocab_size", "max_context",
    "tied_embeddings", "qkv_bias", "query_layer", "moe", "attention", "fp8_block_size",
    "mtp_layers",
  ]
  static let moeKeys = [
    "experts", "experts_per_token", "expert_intermediate_size", "shared_experts", "dense_layers",
  ]
  static let attentionKeys = [
    "kind", "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim",
  ]
  enum AttentionKind: String, CaseIterable { case mha, gqa, mla }

  static func model(_ file: YAMLFile) throws(ConfigError) -> ModelSpec {
    let r = try file.reader(allowed: modelKeys)
    let heads = try r.int("heads", min: 1, max: 1 << 16)
    let hidden = try r.int("hidden_size", min: 1, max: 1 << 20)
    let kvHeads = try r.int("kv_heads", default: heads, min: 1)
    if heads % kvHeads != 0 {
      throw r.fail("kv_heads", "\(kvHeads) must divide heads (\(heads)) for grouped-query attention")
    }
    let headDim = try r.int("head_dim", default: max(hidden / heads, 1), min: 1, max: 1 << 16)
    let layers = try r.int("layers", min: 1, max: 10_000)
    var moe: MoESpec?
    if r.has("moe") {
      let m = try r.child("moe", allowed: moeKeys)
      let experts = try m.int("experts", min: 1, max: 1 << 16)
      moe = MoESpec(
        experts: experts, expertsPerToken: try m.int("experts_per_token", min: 1, max: experts),
        expertIntermediateSize: try m.int("expert_intermediate_size", min: 1, max: 1 << 24),
        sharedExperts: try m.int("shared_experts", default: 0, min: 0, max: 1 << 10),
        denseLayers: try m.int("dense_layers", default: 0, min: 0, max: layers - 1))
    }
    var mla: MLASpec?
    if r.has("attention") {
      let a = try r.child("attention", allowed: attentionKeys)
      let kind = try a.choice("kind", AttentionKind.self)
      if kind == .mla {
        mla = MLASpec(
          qLoraRank: try a.int("q_lora_rank", default: 0, min: 0, max: 1 << 20),
          kvLoraRank: try a.int("kv_lora_rank", min: 1, max: 1 << 20),
          qkNopeHeadDim: try a.int("qk_nope_head_dim", min: 1, max: 1 << 16),
          qkRopeHeadDim: try a.int("qk_rope_head_dim", min: 0, max: 1 << 16),
          vHeadDim: try a.int("v_head_dim", min: 1, max: 1 << 16))
      } else {
        for key in attentionKeys.dropFirst() where a.has(key) {
          throw a.fail(key, "'\(key)' applies to kind: mla only")
        }
      }
    }
    var model = ModelSpec(
      name: try r.string("name"), layers: layers, hiddenSize: hidden,
      heads: heads, kvHeads: kvHeads, headDim: headDim,
      intermediateSize: try r.int("intermediate_size", min: 1, max: 1 << 24),
      gatedMLP: try r.bool("gated_mlp", default: true),
      activation: try r.choice("activation", ModelSpec.Activation.self, default: .silu),
      norm: try r.choice("norm", ModelSpec.Norm.self, default: .rmsnorm),
      positionEmbedding: try r.choice(
        "position_embedding", ModelSpec.PositionEmbedding.self, default: .rope),
      vocabSize: try r.int("vocab_size", min: 1, max: 1 << 26),
      maxContext: try r.int("max_context", min: 1, max: 1 << 30),
      tiedEmbeddings: try r.bool("tied_embeddings", default: false),
      qkvBias: try r.bool("qkv_bias", default: false),
      queryLayer: try r.bool("query_layer", default: false), moe: moe, mla: mla)
    model.fp8BlockSize = try r.int("fp8_block_size", default: 0, min: 0, max: 1 << 16)
    model.mtpLayers = try r.int("mtp_layers", default: 0, min: 0, max: 64)
    return model
  }

  static let deviceKeys = [
    "name", "kind", "peak_tflops", "memory_gb", "memory_bandwidth_gbps", "power_w",
    "price_per_hour_usd", "compute_units", "efficiency", "kernel_launch_us", "graph_kernel_us",
    "runtime_overhead_gb", "l2_cache_mb", "memory_mib", "calibration", "platform", "attention_tiles",
  ]

  static func device(_ file: YAMLFile) throws(ConfigError) -> DeviceSpec {
    let r = try file.reader(allowed: deviceKeys)
    let peaks = try r.child("peak_tflops", allowed: DType.allCases.map(\.rawValue))
    var peak = [DType: Double]()
    for dtype in DType.allCases where peaks.has(dtype.rawValue) {
      peak[dtype] = try peaks.double(dtype.rawValue, positive: true)
    }
    if peak[.fp32] == nil && peak[.bf16] == nil && peak[.fp16] == nil {
      throw r.fail("peak_tflops", "needs at least one of fp32, bf16, fp16")
    }
    let power = try r.child("power_w", allowed: ["idle", "max"])
    let idle = try power.double("idle", min: 0)
    let maxPower = try power.double("max", positive: true)
    if idle > maxPower { throw power.fail("idle", "idle power \(idle) W exceeds max \(maxPower) W") }
    let eff = try r.child("efficiency", allowed: ["compute", "memory", "attention"])
    let compute = try eff.double("compute", positive: true, max: 1)
    var device = DeviceSpec(
      name: try r.string("name"), kind: try r.choice("kind", DeviceSpec.Kind.self),
      peakTFLOPS: peak, memoryGB: try r.double("memory_gb", positive: true, max: 1e6),
      memoryBandwidthGBps: try r.double("memory_bandwidth_gbps", positive: true),
      idlePowerW: idle, maxPowerW: maxPower,
      pricePerHourUSD: try r.double("price_per_hour_usd", default: 0, min: 0),
      computeUnits: try r.int("compute_units", default: 1, min: 1),
      computeEfficiency: compute,
      memoryEfficiency: try eff.double("memory", positive: true, max: 1),
      attentionEfficiency: try eff.double("attention", default: compute * 0.7, positive: true, max: 1),
      kernelLaunchUs: try r.double("kernel_launch_us", default: 0, min: 0),
      graphKernelUs: try r.double("graph_kernel_us", default: 0, min: 0),
      runtimeOverheadGB: try r.double("runtime_overhead_gb", default: 0, min: 0))
    device.platform = try r.choice("platform", DeviceSpec.Platform.self, default: device.kind.platform)
    if r.has("memory_mib") { device.driverMemoryMiB = try r.double("memory_mib", positive: true, max: 1e9) }
    if r.has("attention_tiles") {
      let tiles = try r.child("attention_tiles", allowed: Self.attentionTileKeys + ["trtllm"])
      device.attentionTiles = try attentionTiles(tiles)
      if tiles.has("trtllm") {
        device.trtllmAttentionTiles = try attentionTiles(
          try tiles.child("trtllm", allowed: Self.attentionTileKeys))
      }
    }
    if r.has("calibration") {
      device.calibration = try calibration(r, file: file, device: device).calibration
    }
    return device
  }

  /// The keys of a device file's `attention_tiles` (and of its `trtllm`).
  static let attentionTileKeys = ["share", "tile_us", "decode_bandwidth", "decode_tile_us"]

  /// An `attention_tiles` mapping (`AttentionTiles`).
  static func attentionTiles(_ r: NodeReader) throws(ConfigError) -> AttentionTiles {
    AttentionTiles(
      share: try r.double("share", positive: true, max: 1), tileUs: try r.double("tile_us", min: 0),
      decodeBandwidth: r.has("decode_bandwidth")
        ? try r.double("decode_bandwidth", positive: true, max: 1) : nil,
      decodeTileUs: try r.double("decode_tile_us", default: 0, min: 0))
  }

  /// Reads a `calibration:` key of a device, plan or search file: a store
  /// path (relative to `file`), or `{file: PATH, device: NAME, measured_on:
  /// DEVICE_FILE, collectives: BOOL, fp8_gemm_scaling: block|tensor, matmul_rates: STORE, matmul_split_k: N}`. `device` picks a device of a store that holds several (by
  /// default the store's only device, or the one whose name matches);
  /// `measured_on` names the device the store was measured on when it is
  /// another of the same architecture, whose fitted model is then carried
  /// over by the two datasheets' ratios (`Calibration.transferred`);
  /// `collectives: false` leaves the store's collective timings behind (they
  /// describe the measured cluster's links, not this device's);
  /// `fp8_gemm_scaling: block` says that the store's fp8 GEMMs were timed
  /// with block-scaled operands (DeepGEMM's), `tensor` (the default) with one
  /// scale per tensor (`Calibration.fp8GEMMScaling`); `matmul_rates: STORE`
  /// names a store of the device's own measured GEMMs (AMD aiter's tuning
  /// tables for an MI300X's fp8 GEMMs), whose fitted compute rates, tiles and
  /// compute units replace the calibration's for the formats it fits
  /// (`Calibration.withComputeRates(of:maxSplitK:)`); `matmul_split_k: N`
  /// says the engine's GEMMs split their k loop into up to N pieces when a
  /// product has fewer output tiles than compute units (default 1: never).
  ///
  /// - Returns: the calibration and the store's resolved path.
  static func calibration(_ r: NodeReader, file: YAMLFile, device: DeviceSpec)
    throws(ConfigError) -> (calibration: Calibration, store: String)
  {
    let key = "calibration"
    var path: String
    var name: String?
    var measuredOn: DeviceSpec?
    var collectives = true
    var scaling = FP8Scaling.tensor
    var matmulRates: String?
    var maxSplitK = 1
    func missing(_ store: String) -> String {
      "calibration store '\(store)': no such file; the stores the shipped device files name are built by scripts/build-calibration (scripts/quickstart runs it)"
    }
    if r.mapping[key]?.scalar != nil {
      path = try r.string(key)
    } else {
      let c = try r.child(
        key,
        allowed: [
          "file", "device", "measured_on", "collectives", "fp8_gemm_scaling", "matmul_rates",
          "matmul_split_k",
        ])
      collectives = try c.bool("collectives", default: true)
      scaling = try c.choice("fp8_gemm_scaling", FP8Scaling.self, default: .tensor)
      path = try c.string("file")
      if c.has("device") { name = try c.string("device") }
      if c.has("matmul_rates") {
        let own = file.noting(try c.string("matmul_rates"))
        guard FileManager.default.fileExists(atPath: own) else { throw c.fail("matmul_rates", missing(own)) }
        matmulRates = own
      }
      maxSplitK = try c.int("matmul_split_k", default: 1, min: 1, max: 64)
      if c.has("measured_on") {
        var spec = try self.device(try file.open(c, "measured_on"))
        spec.calibration = nil
        measuredOn = spec
      }
    }
    path = file.noting(path)
    guard FileManager.default.fileExists(atPath: path) else { throw r.fail(key, missing(path)) }
    do {
      var calibration = try CalibrationCache.shared.calibration(
        path: path, device: name, for: measuredOn ?? device)
      calibration.fp8GEMMScaling = scaling
      if let measuredOn {
        calibration = calibration.transferred(from: measuredOn, to: device, collectives: collectives)
      }
      if let matmulRates {
        calibration = calibration.withComputeRates(
          of: try CalibrationCache.shared.calibration(path: matmulRates, device: nil, for: device),
          maxSplitK: maxSplitK)
      }
      return (calibration, path)
    } catch {
      throw r.fail(key, error.description)
    }
  }

  static let linkKeys = ["kind", "bandwidth_gbps", "latency_us", "efficiency", "topology", "fitted"]

  static func link(_ r: NodeReader) throws(ConfigError) -> LinkSpec {
    var link = LinkSpec(
      kind: try r.string("kind"), bandwidthGBps: try r.double("bandwidth_gbps", positive: true),
      latencyUs: try r.double("latency_us", min: 0),
      efficiency: try r.double("efficiency", default: 1, positive: true, max: 1),
      topology: try r.string("topology", default: "switch"))
    link.fitted = try r.bool("fitted", default: false)
    return link
  }

  static let clusterKeys = [
    "name", "nodes", "devices_per_node", "device", "intra_node", "inter_node", "nvlink_domain",
    "host_link", "host_memory_gb",
  ]

  static func cluster(_ file: YAMLFile, overrides: [Override]) throws(ConfigError) -> ClusterSpec {
    var file = file
    let routed = file.apply(overrides, fileKeys: ["device"])
    let r = try file.reader(allowed: clusterKeys)
    var deviceFile = try file.open(r, "device")
    _ = deviceFile.apply(routed["device"] ?? [], fileKeys: [])
    let nodes = try r.int("nodes", min: 1, max: 100_000)
    let perNode = try r.int("devices_per_node", min: 1, max: 4096)
    var cluster = ClusterSpec(
      name: try r.string("name"), nodes: nodes,
      devicesPerNode: perNode, device: try device(deviceFile),
      intraNode: try link(try r.child("intra_node", allowed: linkKeys)),
      interNode: r.has("inter_node") ? try link(try r.child("inter_node", allowed: linkKeys)) : nil,
      hostLink: r.has("host_link") ? try link(try r.child("host_link", allowed: linkKeys)) : .defaultHost,
      hostMemoryGB: r.has("host_memory_gb") ? try r.double("host_memory_gb", positive: true) : nil)
    if r.has("nvlink_domain") {
      let domain = try r.int("nvlink_domain", min: perNode, max: nodes * perNode)
      if domain % perNode != 0 {
        throw r.fail(
          "nvlink_domain",
          "\(domain) devices is not a whole number of \(perNode)-device nodes; valid: a multiple of devices_per_node up to \(nodes * perNode)"
        )
      }
      cluster.linkDomain = domain
    }
    return cluster
  }

  static let workloadKeys = [
    "name", "arrival", "requests", "duration_s", "input_tokens", "output_tokens", "trace",
    "shared_prefix", "warmup_requests", "cold_start",
  ]
  static let arrivalKeys = ["process", "rate_per_s", "cv", "concurrency", "think_time_s", "exact_rate"]
  static let distributionKeys = [
    "distribution", "value", "min", "max", "mean", "stddev", "s", "file", "column",
  ]

  enum Process: String, CaseIterable { case poisson, gamma, constant, closed, offline, trace }
  enum Distribution: String, CaseIterable { case fixed, uniform, normal, lognormal, zipf, trace }

  static func workload(_ file: YAMLFile) throws(ConfigError) -> WorkloadSpec {
    let r = try file.reader(allowed: workloadKeys)
    let a = try r.child("arrival", allowed: arrivalKeys)
    let process = try a.choice("process", Process.self)
    let arrival: ArrivalProcess
    switch process {
    case .poisson: arrival = .poisson(rate: try a.double("rate_per_s", positive: true))
    case .gamma:
      arrival = .gamma(
        rate: try a.double("rate_per_s", positive: true), cv: try a.double("cv", positive: true))
    case .constant: arrival = .constant(rate: try a.double("rate_per_s", positive: true))
    case .closed:
      arrival = .closed(
        concurrency: try a.int("concurrency", min: 1),
        thinkTime: try a.double("think_time_s", default: 0, min: 0))
    case .offline: arrival = .offline
    case .trace: arrival = .trace
    }
    let requests: Int? = r.has("requests") ? try r.int("requests", min: 1) : nil
    let duration: Double? = r.has("duration_s") ? try r.double("duration_s", positive: true) : nil
    var trace: TraceRecords?
    var timeScale = 1.0
    var input = LengthDistribution.fixed(1)
    var output = LengthDistribution.fixed(1)
    if process == .trace {
      let t = try r.child("trace", allowed: ["file", "format", "time_scale", "rate_per_s", "block_tokens"])
      var records = try TraceReader.records(
        file: file.noting(try t.string("file")),
        format: t.has("format") ? try t.choice("format", TraceFormat.self) : nil)
      if t.has("block_tokens") {
        guard records.blockHashes != nil else {
          throw t.fail("block_tokens", "the trace has no hash_ids (prompt-block hashes) to size")
        }
        records.blockHashes?.blockTokens = try t.int("block_tokens", min: 1, max: 1 << 20)
      }
      if r.has("shared_prefix"), records.blockHashes != nil {
        throw r.fail(
          "shared_prefix",
          "the trace's hash_ids already say which prompt blocks requests share; remove shared_prefix")
      }
      trace = records
      // Bounded so that arrival times stay finite (a trace of an hour becomes 114 years at most).
      timeScale = try t.double("time_scale", default: 1, positive: true, max: 1e6)
      if t.has("rate_per_s") {
        if t.has("time_scale") {
          throw t.fail("rate_per_s", "give time_scale or rate_per_s, not both")
        }
        let rate = try t.double("rate_per_s", min: 1e-6, max: 1e9)
        guard let scale = TraceReader.timeScale(for: records, rate: rate) else {
          throw t.fail("rate_per_s", "the trace has no time span to rescale (one request, or all at once)")
        }
        timeScale = scale
      }
    } else {
      if r.has("trace") { throw r.fail("trace", "a trace is replayed only with arrival.process: trace") }
      if requests == nil && duration == nil {
        throw ConfigError(
          file: file.path, line: r.line, keyPath: "requests",
          message: "give 'requests' (a count) or 'duration_s' (seconds of arrivals)")
      }
      if case .closed = arrival {
      } else if case .offline = arrival, requests == nil {
        throw r.fail("requests", "an offline workload needs 'requests'")
      }
      var tables = [String: CSVTable]()
      input = try distribution(
        try r.child("input_tokens", allowed: distributionKeys), file: file, tables: &tables)
      output = try distribution(
        try r.child("output_tokens", allowed: distributionKeys), file: file, tables: &tables)
    }
    var spec = WorkloadSpec(
      name: try r.string("name"), arrival: arrival, requests: requests, durationS: duration,
      inputTokens: input, outputTokens: output, trace: trace, traceTimeScale: timeScale)
    spec.warmupRequests = try r.int(
      "warmup_requests", default: 0, min: 0, max: max((requests ?? 1 << 30) - 1, 0))
    spec.coldStart = try r.bool("cold_start", default: false)
    if a.has("exact_rate") {
      spec.exactRate = try a.bool("exact_rate", default: false)
      if spec.exactRate && process != .poisson && process != .gamma {
        throw a.fail(
          "exact_rate", "exact_rate rescales drawn gaps; valid only with process: poisson or gamma")
      }
      if spec.exactRate && requests == nil {
        throw a.fail(
          "exact_rate", "exact_rate fixes the span of a known count; give 'requests', not only 'duration_s'")
      }
    }
    if r.has("shared_prefix") {
      let p = try r.child("shared_prefix", allowed: ["tokens", "groups"])
      spec.sharedPrefix = (
        try p.int("tokens", min: 1, max: 1 << 24),
        try p.int("groups", default: 1, min: 1, max: 1_000_000)
      )
    }
    return spec
  }

  static func distribution(_ r: NodeReader, file: YAMLFile, tables: inout [String: CSVTable])
    throws(ConfigError) -> LengthDistribution
  {
    let kind = try r.choice("distribution", Distribution.self)
    let lower = try r.int("min", default: 1, min: 1)
    let upper = try r.int("max", default: 1 << 30, min: 1)
    if upper < lower { throw r.fail("max", "max \(upper) is below min \(lower)") }
    switch kind {
    case .fixed: return .fixed(min(max(try r.int("value", min: 1), lower), upper))
    case .uniform:
      return .uniform(min: try r.int("min", min: 1), max: try r.int("max", min: lower))
    case .normal:
      return .normal(
        mean: try r.double("mean", positive: true), stddev: try r.double("stddev", min: 0),
        min: lower, max: upper)
    case .lognormal:
      return .lognormal(
        mean: try r.double("mean", positive: true), stddev: try r.double("stddev", min: 0),
        min: lower, max: upper)
    case .zipf:
      if !r.has("max") { throw r.fail("max", "a zipf distribution needs 'max'") }
      if upper - lower > 10_000_000 { throw r.fail("max", "range above 10,000,000 values") }
      return .zipf(s: try r.double("s", positive: true), min: lower, max: upper)
    case .trace:
      let values = try TraceReader.column(
        try r.string("column"), file: file.noting(try r.string("file")), tables: &tables)
      return .empirical(values: values, min: lower, max: upper)
    }
  }
}
