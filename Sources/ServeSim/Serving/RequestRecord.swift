/// One request's state during the simulation and its outcome after it.
///
/// Times are simulated seconds; -1 means "not yet".
public struct RequestRecord: Sendable, Equatable {
  public var arrival: Double
  /// Prompt length, in tokens.
  public var inputTokens: Int32
  /// Output length the request will generate, in tokens.
  public var outputTokens: Int32
  /// The data-parallel replica that served it (the decode replica when disaggregated).
  public var replica: Int32 = -1
  /// The scheduler that holds it (a virtual engine under pipeline parallelism).
  var scheduler: Int32 = -1
  /// Tokens whose KV is in the cache (prefill progress, then decoded tokens).
  public var computed: Int32 = 0
  /// Output tokens sampled so far.
  public var generated: Int32 = 0
  /// KV-cache blocks held.
  public var blocks: Int32 = 0
  public var preemptions: Int32 = 0
  public var firstScheduled: Double = -1
  public var firstToken: Double = -1
  public var lastToken: Double = -1
  public var completion: Double = -1
  public var status: RequestStatus = .pending
  public var dropReason: DropReason = .none
  /// The closed-loop client that sent it (-1 for open loop).
  public var client: Int32 = -1
  /// The shared-prefix group of its prompt (-1: none) and the tokens of that prefix.
  public var prefixGroup: Int32 = -1
  public var prefixTokens: Int32 = 0
  /// Prompt tokens found in the prefix cache (summed over admissions).
  public var cachedTokens: Int32 = 0
  /// Whether it holds a reference on its group's cached blocks, and how many
  /// of those blocks it uses (not counted in `blocks`).
  var holdsPrefix = false
  var sharedBlocks: Int32 = 0
  /// The iteration that last scheduled it (scheduler bookkeeping).
  var stamp: Int64 = -1

  public init(arrival: Double, inputTokens: Int32, outputTokens: Int32) {
    self.arrival = arrival
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
  }

  /// Tokens that exist: the prompt and the outputs sampled so far.
  public var knownTokens: Int32 { inputTokens + generated }

  /// Whether the next step of this request is a single-token decode.
  public var isDecoding: Bool { generated > 0 && computed == knownTokens - 1 }

  /// Time to first token, in seconds (nil until the first token).
  public var ttft: Double? { firstToken >= 0 ? firstToken - arrival : nil }

  /// Time per output token after the first, in seconds (nil for one-token outputs).
  public var tpot: Double? {
    guard completion >= 0, outputTokens > 1 else { return nil }
    return (completion - firstToken) / Double(outputTokens - 1)
  }

  /// End-to-end latency, in seconds.
  public var e2e: Double? { completion >= 0 ? completion - arrival : nil }
}
