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
  /// SGLang's `--scheduler-recv-interval` (the plan's `engine: {name: sglang,
  /// scheduler_recv_interval: N}`, from SGLang 0.5): a busy scheduler takes
  /// new requests only every N decode steps (`SchedulerRecvSkipper`); 1, the
  /// engine's default, takes them at every step.
  public var schedulerRecvInterval = 1
  /// The largest decode batch the engine captures in a CUDA graph (the
  /// plan's `engine: {cuda_graph_max_batch: N}`: SGLang's
  /// `--cuda-graph-max-bs`, vLLM 0.11's `--cuda-graph-sizes`,
  /// TensorRT-LLM 1.x's `cuda_graph_config.max_batch_size`); larger decode
  /// batches run eagerly. nil: the engine's default
  /// (`EngineProfile.graphMaxBatch`).
  public var cudaGraphMaxBatch: Int?
  /// The API server's tokenisation time per prompt token, in microseconds
  /// (the plan's `engine: {tokenize_us_per_token: X}`; 0 for a client that
  /// sends token IDs, which the server does not tokenise). nil: the
  /// engine's (`EngineProfile.tokenizeUsPerToken`).
  public var tokenizeUsPerToken: Double?
  /// The `llama-server` options of an `engine: llamacpp` plan (nil for other
  /// engines).
  public var llamacpp: LlamaCppOptions?
  public var parallelism: Parallelism
  public var precision: Precision
  public var scheduler: SchedulerConfig
  public var router: RouterKind
  public var slo: ServiceLevel
  public var seed: UInt64
  /// Separate prefill and decode pools (nil: every replica does both).
  public var disaggregation: Disaggregation?
  /// Speculative decoding of every decode step (nil: off).
  public var speculative: SpeculativeDecoding?
  /// TensorRT-LLM's context balancing over attention ranks (nil: off).
  public var attentionDPBalance: AttentionDPBalance?
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
