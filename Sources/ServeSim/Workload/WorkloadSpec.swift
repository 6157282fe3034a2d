/// A workload: arrivals, how many requests, and their lengths.
public struct WorkloadSpec: Sendable, Equatable {
  public var name: String
  public var arrival: ArrivalProcess
  /// Requests to generate; nil means "until `durationS`" (or the whole trace).
  public var requests: Int?
  /// Generate arrivals until this time, in seconds.
  public var durationS: Double?
  public var inputTokens: LengthDistribution
  public var outputTokens: LengthDistribution
  /// The replayed trace, for `arrival: trace`.
  public var trace: TraceRecords?
  /// Multiplies replayed arrival times (2 spreads a trace over twice the time).
  public var traceTimeScale: Double
  /// The first this many requests (by ID, counted in `requests`) warm the
  /// server up and are left out of the summary's latencies, throughputs and
  /// counts, as vLLM's `benchmark_serving.py --num-warmups` and aiperf's
  /// `--warmup-request-count` leave them out (0: every request is measured).
  /// They run as a phase of their own, which the measured requests follow
  /// (`Simulator.startArrivals`). The pooled inter-token latencies still
  /// include them.
  public var warmupRequests = 0
  /// Whether the run starts on a server that has served nothing yet: batches
  /// pay for the kernels compiled and tuned on first use
  /// (`EngineProfile.coldStartMs`, `Simulator.coldStartSeconds`).
  /// Benchmarks that send no warm-up requests right after launching the
  /// server measure it; false (the default) is a warm server.
  public var coldStart = false
  /// Whether a Poisson or gamma arrival process of `requests` requests
  /// keeps its drawn gaps but spans exactly (requests − 1) / rate seconds
  /// (its measured requests, after `warmupRequests`: (requests − 1 −
  /// warmupRequests) / rate): the gaps are rescaled by their own sum. For Poisson arrivals this is
  /// the process conditioned on its span, whose arrivals are uniform order
  /// statistics over it. One draw of 500 gaps spans ±4.5% (one standard
  /// deviation) of the nominal time, and every throughput of a run moves
  /// with it; a replay of a benchmark whose own draw is unknown predicts
  /// the expected span instead of one more draw (`RequestGenerator`).
  public var exactRate = false
  /// A shared prompt prefix (system prompts): each request starts with one of
  /// `groups` prefixes of `tokens` tokens, chosen uniformly, before its own
  /// `input_tokens`.
  public var sharedPrefix: (tokens: Int, groups: Int)? {
    get { prefixGroups > 0 ? (prefixTokens, prefixGroups) : nil }
    set {
      prefixTokens = newValue?.tokens ?? 0
      prefixGroups = newValue?.groups ?? 0
    }
  }
  var prefixTokens = 0
  var prefixGroups = 0

  public init(
    name: String, arrival: ArrivalProcess, requests: Int?, durationS: Double?,
    inputTokens: LengthDistribution, outputTokens: LengthDistribution,
    trace: TraceRecords? = nil, traceTimeScale: Double = 1
  ) {
    self.name = name
    self.arrival = arrival
    self.requests = requests
    self.durationS = durationS
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    self.trace = trace
    self.traceTimeScale = traceTimeScale
  }
}
