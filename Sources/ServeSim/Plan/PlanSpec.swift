/// The serving engine a plan models: it sets scheduler defaults and the
/// per-iteration overheads (see `EngineProfile`).
public enum EngineKind: String, Sendable, CaseIterable { case vllm, sglang, trtllm, mindie }

/// The replica scheduler's batching policy.
public enum SchedulingPolicy: String, Sendable, CaseIterable {
  /// vLLM's scheduler with chunked prefill: decodes first, then partial prefills,
  /// then new requests, under a token budget.
  case vllm
  /// Sarathi-Serve (Agrawal et al., OSDI 2024): stall-free batching, the same
  /// order as vLLM's chunked prefill, with at most one prefill chunk in flight
  /// per iteration budget.
  case sarathi
  /// Orca (Yu et al., OSDI 2022): iteration-level batching without chunking; a
  /// prompt is prefilled whole in one iteration.
  case orca
  /// Request-level (static) batching: a batch is formed from the waiting queue
  /// and runs until all of its requests finish, as pre-Orca servers did.
  case `static`
  /// SGLang's scheduler (0.4.9 `Scheduler.get_next_batch_to_run`,
  /// sglang/srt/managers/scheduler.py): a prefill batch runs whenever one can
  /// be formed, decodes wait (no mixed batches by default); new requests are
  /// admitted only while the KV pool keeps room for the outputs still to come,
  /// estimated by the decaying new-token ratio (`PrefillAdder`).
  case sglang
  /// TensorRT-LLM's in-flight batching with chunked context and the
  /// `GUARANTEED_NO_EVICT` capacity scheduler: mixed batches as vLLM's, but a
  /// request is admitted only when the KV cache can hold every running
  /// request to its last token, so nothing is ever evicted.
  case trtllm
}

/// What happens to a request preempted for lack of KV-cache blocks.
public enum PreemptionMode: String, Sendable, CaseIterable { case recompute, swap }

/// How requests are spread over data-parallel replicas.
public enum RouterKind: String, Sendable, CaseIterable {
  case roundRobin = "round-robin"
  case leastOutstanding = "least-outstanding"
  case leastKV = "least-kv"
  case prefixAffinity = "prefix-affinity"
}

/// Degrees of each kind of parallelism.
public struct Parallelism: Sendable, Equatable {
  public var data: Int
  public var tensor: Int
  public var pipeline: Int
  public var expert: Int
  /// Decoder layers of each pipeline stage, first to last; nil splits evenly
  /// (the earlier stages take the remainder, as vLLM's `get_pp_indices`).
  public var stageLayers: [Int]?
  /// Expert load imbalance under expert parallelism: the busiest rank gets
  /// (1 + this) times the mean of the routed tokens (0: uniform).
  public var expertImbalance: Double = 0

  public init(
    data: Int = 1, tensor: Int = 1, pipeline: Int = 1, expert: Int = 1, stageLayers: [Int]? = nil
  ) {
    self.data = data
    self.tensor = tensor
    self.pipeline = pipeline
    self.expert = expert
    self.stageLayers = stageLayers
  }

  /// Layers of each stage for a model of `layers` layers.
  public func layersPerStage(of layers: Int) -> [Int] {
    if let stageLayers, stageLayers.count == pipeline { return stageLayers }
    let p = max(pipeline, 1)
    return (0..<p).map { layers / p + ($0 < layers % p ? 1 : 0) }
  }

  /// Devices one replica uses.
  public var devicesPerReplica: Int { tensor * pipeline }
  /// Devices the plan uses.
  public var devices: Int { data * devicesPerReplica }
}

/// Numeric formats of a plan.
public struct Precision: Sendable, Equatable {
  public var weights: DType
  public var activations: DType
  public var kvCache: DType

  public init(weights: DType = .bf16, activations: DType = .bf16, kvCache: DType = .bf16) {
    self.weights = weights
    self.activations = activations
    self.kvCache = kvCache
  }
}

/// The replica scheduler's settings. Values a plan leaves out come from the
/// engine's defaults (`EngineProfile`).
public struct SchedulerConfig: Sendable, Equatable {
  public var policy: SchedulingPolicy
  /// Most sequences in one batch.
  public var maxNumSeqs: Int
  /// Most tokens (prefill plus decode) in one iteration.
  public var maxNumBatchedTokens: Int
  public var chunkedPrefill: Bool
  /// Tokens per KV-cache block.
  public var blockSize: Int
  /// Share of device memory the engine may use (weights, activations, KV cache).
  public var memoryUtilization: Double
  public var preemption: PreemptionMode
  public var prefixCaching: Bool

  public init(
    policy: SchedulingPolicy, maxNumSeqs: Int, maxNumBatchedTokens: Int, chunkedPrefill: Bool,
    blockSize: Int, memoryUtilization: Double, preemption: PreemptionMode = .recompute,
    prefixCaching: Bool = false
  ) {
    self.policy = policy
    self.maxNumSeqs = maxNumSeqs
    self.maxNumBatchedTokens = maxNumBatchedTokens
    self.chunkedPrefill = chunkedPrefill
    self.blockSize = blockSize
    self.memoryUtilization = memoryUtilization
    self.preemption = preemption
    self.prefixCaching = prefixCaching
  }
}

/// Latency targets.
public struct ServiceLevel: Sendable, Equatable {
  /// Time to first token target, in milliseconds.
  public var ttftMs: Double
  /// Time per output token target, in milliseconds.
  public var tpotMs: Double
  /// The percentile the targets are judged at (reported; attainment is per request).
  public var percentile: Double

  public init(ttftMs: Double, tpotMs: Double, percentile: Double) {
    self.ttftMs = ttftMs
    self.tpotMs = tpotMs
    self.percentile = percentile
  }
}

/// A complete serving plan: what runs where, how it is batched, and what it serves.
public struct PlanSpec: Sendable, Equatable {
  public var name: String
  public var model: ModelSpec
  public var cluster: ClusterSpec
  public var workload: WorkloadSpec
  public var engine: EngineKind
  /// The modelled release of `engine` whose defaults and behaviours the plan
  /// takes (nil: the newest modelled; see `EngineRelease`).
  public var engineVersion: EngineVersion?
  /// Whether the engine may run its in-node custom all-reduce kernel (the
  /// plan's `engine: {custom_all_reduce: false}`, as vLLM's and SGLang's
  /// `--disable-custom-all-reduce`); NCCL takes every all-reduce when false.
  public var customAllReduce = true
  public var parallelism: Parallelism
  public var precision: Precision
  public var scheduler: SchedulerConfig
  public var router: RouterKind
  public var slo: ServiceLevel
  public var seed: UInt64
  /// Separate prefill and decode pools (nil: every replica does both).
  public var disaggregation: Disaggregation?
  /// Measured kernel times and fitted parameters of the plan's device, which
  /// the cost model prefers to the datasheet (nil: datasheet only).
  public var calibration: Calibration?

  public init(
    name: String, model: ModelSpec, cluster: ClusterSpec, workload: WorkloadSpec,
    engine: EngineKind, parallelism: Parallelism, precision: Precision,
    scheduler: SchedulerConfig, router: RouterKind, slo: ServiceLevel, seed: UInt64
  ) {
    self.name = name
    self.model = model
    self.cluster = cluster
    self.workload = workload
    self.engine = engine
    self.parallelism = parallelism
    self.precision = precision
    self.scheduler = scheduler
    self.router = router
    self.slo = slo
    self.seed = seed
    self.disaggregation = nil
  }

  /// The engine and the modelled release the plan takes.
  public var release: EngineRelease { EngineRelease(engine, engineVersion) }

  /// Devices the plan uses.
  public var devices: Int {
    if let d = disaggregation { return d.prefill.devices + d.decode.devices }
    return parallelism.devices
  }
}
