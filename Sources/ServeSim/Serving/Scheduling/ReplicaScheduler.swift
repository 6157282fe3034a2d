import DequeModule

/// One scheduler: its queues, its KV-cache pool, its prefix index and the
/// batch it has in flight. A data-parallel replica without pipeline
/// parallelism has one; under pipeline parallelism of P stages it has P, like
/// vLLM's virtual engines, each with 1/P of the KV blocks, so that up to P
/// micro-batches are in flight.
///
/// The scheduler decides which requests run in its next iteration and with how
/// many tokens each (`formBatch`, by its `BatchPolicy`), allocates and evicts
/// KV blocks, preempts, and does the bookkeeping when an iteration ends
/// (`finishBatch`). The simulator owns the clock, the events and the request
/// records, and hands the records in.
struct ReplicaScheduler: Sendable {
  enum Phase: UInt8 { case idle, wakePending, busy }
  /// What a scheduler runs: everything, or one side of disaggregated serving.
  enum Role: UInt8 { case both, prefill, decode }

  var waiting = Deque<Int32>()
  /// Requests that reached the scheduler while its batch ran and join the
  /// waiting queue once the next batch is formed (`accept(deferred:)`).
  var deferred: [Int32] = []
  /// SGLang's receive skipper (`SchedulerRecvSkipper`, 0.5.5
  /// srt/managers/scheduler_recv_skipper.py): the weight counted since the
  /// scheduler last took new requests, and the weight of the batch it
  /// launched last (1 for decodes, 1,000 for a batch with prompt tokens).
  var recvCount: Int32 = 0
  var launchWeight: Int32 = 1
  /// Running requests in admission order (the newest last: vLLM preempts from the end).
  var running: [Int32] = []
  /// KV-cache blocks of the pool, and those not held by a request or a
  /// referenced prefix (unreferenced cached prefix blocks count as free).
  let totalBlocks: Int
  var freeBlocks: Int
  var phase: Phase = .idle
  /// Requests routed here and not yet finished.
  var outstanding = 0
  /// The batch of the iteration in flight: request and tokens computed for it.
  var batchIDs: [Int32] = []
  var batchTokens: [Int32] = []
  /// Static batching: the requests of the batch in flight, finished or not.
  var staticBatch: [Int32] = []
  /// When the last iteration ended, in seconds (−1 before the first).
  var lastIterationEnd = -1.0
  /// The data-parallel replica (pipeline) this scheduler runs on.
  let pipeline: Int
  /// The pool (0: the only or the prefill pool, 1: the decode pool).
  let pool: Int
  let role: Role
  /// Blocks held by requests whose KV cache is being sent to a decode replica.
  var transferBlocks = 0
  /// Cached prompt prefixes that later requests can reuse.
  var prefix: PrefixIndex
  let limits: SchedulerLimits
  /// How this scheduler forms batches.
  let policy: any BatchPolicy.Type
  /// Requests that finished or left for a decode replica in the last
  /// iteration, in the order they did (the simulator follows them up).
  var departed: [Int32] = []
  var tally = SchedulerTally()
  /// SGLang's estimate of the share of their remaining outputs that running
  /// requests will still produce (`new_token_ratio`, see `SGLangPolicy`).
  var newTokenRatio = SGLangPolicy.initialRatio
  /// Whether quiet decode stretches are formed in O(1) (`DecodeLeap`); off,
  /// every iteration walks its requests (`--no-leap`, the same result).
  var leaps = true
  /// Whether this step runs decodes only, its context requests held
  /// (`AttentionDPBalancer`).
  var holdsContext = false
  /// The quiet decode stretch under way, if any.
  var leap = DecodeLeap()
  /// The host KV tier (`scheduler.kv_offload`); disabled without one.
  var offload = HostKVTier()
  /// Speculative decoding of decode steps (nil: off).
  var speculation: Speculation?

  init(
    blocks: Int, pipeline: Int, pool: Int = 0, role: Role = .both, limits: SchedulerLimits,
    prefix: PrefixIndex = .none
  ) {
    self.pipeline = pipeline
    self.pool = pool
    self.role = role
    self.limits = limits
    self.prefix = prefix
    policy = limits.policy.batchPolicy
    totalBlocks = blocks
    freeBlocks = blocks
    running.reserveCapacity(512)
    batchIDs.reserveCapacity(512)
    batchTokens.reserveCapacity(512)
    departed.reserveCapacity(64)
  }

  var usedBlocks: Int { totalBlocks - freeBlocks }

  /// Blocks that hold `tokens` tokens.
  @inline(__always)
  func blocksFor(_ tokens: Int) -> Int { (tokens + limits.blockSize - 1) / limits.blockSize }

  /// Queues request `id`, routed here, for admission; `deferred`: after the
  /// next batch is formed (`releaseDeferred`, SGLang's overlap scheduler).
  mutating func accept(
    _ id: Int32, _ requests: inout RequestWindow, scheduler index: Int, deferred later: Bool = false
  ) {
    requests[Int(id)].scheduler = Int32(index)
    requests[Int(id)].replica = Int32(pipeline)
    requests[Int(id)].status = .waiting
    if later { deferred.append(id) } else { waiting.append(id) }
    outstanding += 1
  }

  /// Queues the requests held back by `accept(deferred: true)`.
  mutating func releaseDeferred() {
    waiting.append(contentsOf: deferred)
    deferred.removeAll(keepingCapacity: true)
  }

  /// Forms the next iteration's batch by the scheduler's policy.
  ///
  /// - Parameters:
  ///   - stamp: the iteration's number, unique across the simulation.
  ///   - clock: the time the batch is formed, in seconds.
  /// - Returns: the batch's shape, or nil when there is nothing to run.
  mutating func formBatch(_ requests: inout RequestWindow, stamp: Int64, clock: Double) -> BatchShape? {
    if !offload.loading.isEmpty { finishHostLoads(&requests, clock: clock) }
    if leap.active {
      if let shape = continueLeap(stamp: stamp) { return shape }
      endLeap(&requests)
    } else if leaps, let shape = beginLeap(requests, stamp: stamp) {
      return shape
    }
    batchIDs.removeAll(keepingCapacity: true)
    batchTokens.removeAll(keepingCapacity: true)
    var batch = BatchContext(budget: limits.maxNumBatchedTokens, stamp: stamp, clock: clock)
    let policy = policy
    policy.formBatch(&self, &requests, &batch)
    if batch.denied { tally.budgetDenials += 1 }
    tally.peakBudgetUse = max(tally.peakBudgetUse, limits.maxNumBatchedTokens - batch.budget)
    return batchIDs.isEmpty ? nil : batch.shape
  }

  /// Adds request `id` to the batch with `tokens` new tokens.
  @inline(__always)
  mutating func enqueue(
    _ id: Int32, tokens: Int32, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) {
    let i = Int(id)
    let context = Int(requests[i].computed + tokens)
    if requests[i].isDecoding {
      if tokens > 1 {
        batch.shape.addVerify(drafts: Int(tokens) - 1, context: context)
      } else {
        batch.shape.addDecode(context: context)
      }
    } else {
      batch.shape.addPrefill(
        chunk: Int(tokens), context: context, samples: context == Int(requests[i].knownTokens))
    }
    requests[i].stamp = batch.stamp
    if requests[i].firstScheduled < 0 { requests[i].firstScheduled = batch.clock }
    batchIDs.append(id)
    batchTokens.append(tokens)
  }
}
