/// One measured serving run, described as its source describes it, with the
/// figures it measured: what `servesim validate` replays.
public struct ValidationExperiment: Sendable, Equatable {
  /// The suite (one per source), e.g. "trtllm-online".
  public var suite: String
  /// Unique within the suite, stable across releases of the data (it names
  /// the configuration, not a row number).
  public var id: String
  /// The configuration measured, where the source measured it in more than
  /// one run (InferenceMAX: GPU, engine, precision, parallelism, lengths,
  /// concurrency and speculation, without the run): runs sharing it are
  /// repeats of one described set-up (`ValidationRepeatability`). nil: the
  /// experiment is its own configuration (`id`).
  public var configuration: String?
  /// The planning choice the experiment is a candidate of: experiments
  /// sharing it differ only in what a planner chooses for one model, GPU,
  /// engine, precision and request lengths (parallelism, concurrency or
  /// offered rate), so the source measured the outcome of each option
  /// (`ValidationDecision`). nil: not a candidate of any choice.
  public var choice: String?
  /// The model file's name under `models/`, without extension.
  public var model: String
  /// The GPU as the report groups it ("H100", "H200", "A100").
  public var gpu: String
  public var engine: EngineKind
  /// The engine release that measured it, as the source gives it; the
  /// replay takes the modelled release it maps to
  /// (`ValidationReplay.release(of:)`).
  public var engineVersion: String
  public var precision: Precision
  public var parallelism: Parallelism
  public var inputTokens: LengthDistribution
  public var outputTokens: LengthDistribution
  public var arrival: ArrivalProcess
  /// Measured requests replayed (after any cap; see `requestsInSource`).
  public var requests: Int
  /// Requests the source measured.
  public var requestsInSource: Int
  /// Requests sent first and not measured.
  public var warmupRequests: Int
  /// Whether the source measured from a freshly started server, sending
  /// nothing before (`WorkloadSpec.coldStart`).
  public var coldStart = false
  /// Redundant copies of experts (`Parallelism.redundantExperts`) the
  /// source's launch recipe adds where an expert degree of the run does not
  /// divide the model's experts (SGLang asserts that `ep_size` divides the
  /// physical experts, srt/eplb/expert_location.py, so such a run had
  /// them); 0: none. Runs whose degrees divide the experts replay without.
  public var recipeRedundantExperts = 0
  /// Whether the replay's Poisson arrivals span the nominal time exactly
  /// (`WorkloadSpec.exactRate`): the source reports its offered rate, not
  /// its own draw of gaps.
  public var exactRate = false
  /// Whether the source sent warm-up requests in a phase of their own before
  /// measuring. The replay leaves the phase out, so a cold server
  /// (`coldStart`) still compiles per-variant kernels the warm-up's batches
  /// did not (`FusedMoECompiles`); an engine whose cold work is one-time
  /// replays warm (`ValidationReplay.plan`).
  public var warmupPhase = false
  /// The speculative decoding the measured server ran (nil: none).
  public var speculative: SpeculativeDecoding?
  /// The attention-DP context balancing the measured server ran (nil: none).
  public var attentionDPBalance: AttentionDPBalance?
  /// Whether the measured server was launched with its own running-request
  /// limit, so the one the engine sets for speculative decoding when none is
  /// given (`EngineProfile.speculativeMaxRunning`) does not apply.
  public var setsMaxRunning = false
  /// The measured SGLang server's `--scheduler-recv-interval` (1: the
  /// engine's default; `PlanSpec.schedulerRecvInterval`).
  public var schedulerRecvInterval = 1
  /// The largest decode batch the measured server captured in a CUDA graph
  /// (nil: the engine's default; `PlanSpec.cudaGraphMaxBatch`).
  public var cudaGraphMaxBatch: Int?
  /// The scheduler settings the measured server was launched with, as a
  /// plan file's `scheduler:` gives them (each one unset: the engine's
  /// default; the replay turns prefix caching off).
  public var scheduler = SchedulerSettings()
  /// The prefill and decode pools of a disaggregated run (nil: one pool of
  /// `parallelism`).
  public var pools: ValidationPools?
  /// The `llama-server` options of a measured llama.cpp server (nil: not
  /// llama.cpp).
  public var llamaCpp: LlamaCppOptions?
  /// The measured figures, in metric order.
  public var measured: [(metric: ValidationMetric, value: Double)]

  public init(
    suite: String, id: String, model: String, gpu: String, engine: EngineKind, engineVersion: String,
    precision: Precision, parallelism: Parallelism, inputTokens: LengthDistribution,
    outputTokens: LengthDistribution, arrival: ArrivalProcess, requests: Int,
    requestsInSource: Int? = nil, warmupRequests: Int = 0,
    measured: [(metric: ValidationMetric, value: Double)]
  ) {
    self.suite = suite
    self.id = id
    self.model = model
    self.gpu = gpu
    self.engine = engine
    self.engineVersion = engineVersion
    self.precision = precision
    self.parallelism = parallelism
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    self.arrival = arrival
    self.requests = requests
    self.requestsInSource = requestsInSource ?? requests
    self.warmupRequests = warmupRequests
    self.measured = measured.sorted { $0.metric < $1.metric }
  }

  /// Whether the experiment is held out of calibration: its key's FNV-1a
  /// 64-bit hash is 0 mod 4 (about a quarter, fixed by the key alone).
  public var heldOut: Bool { Self.stableHash("\(suite)/\(id)") % 4 == 0 }

  /// FNV-1a, 64 bits, of the UTF-8 bytes: the same on every platform and run
  /// (Swift's `Hasher` is seeded per process).
  public static func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    return hash
  }

  public static func == (a: ValidationExperiment, b: ValidationExperiment) -> Bool {
    a.suite == b.suite && a.id == b.id && a.model == b.model && a.gpu == b.gpu && a.engine == b.engine
      && a.engineVersion == b.engineVersion && a.precision == b.precision
      && a.parallelism == b.parallelism && a.inputTokens == b.inputTokens
      && a.outputTokens == b.outputTokens && a.arrival == b.arrival && a.requests == b.requests
      && a.requestsInSource == b.requestsInSource && a.warmupRequests == b.warmupRequests
      && a.attentionDPBalance == b.attentionDPBalance && a.setsMaxRunning == b.setsMaxRunning
      && a.llamaCpp == b.llamaCpp && a.schedulerRecvInterval == b.schedulerRecvInterval
      && a.cudaGraphMaxBatch == b.cudaGraphMaxBatch && a.scheduler == b.scheduler
      && a.warmupPhase == b.warmupPhase && a.configuration == b.configuration
      && a.choice == b.choice
      && a.measured.map(\.metric) == b.measured.map(\.metric)
      && a.measured.map(\.value) == b.measured.map(\.value)
  }
}
