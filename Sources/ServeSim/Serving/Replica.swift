import DequeModule

/// One scheduler's state: its queues, its KV-cache pool and the batch it has in
/// flight. A data-parallel replica without pipeline parallelism has one; under
/// pipeline parallelism of P stages it has P, like vLLM's virtual engines, each
/// with 1/P of the KV blocks, so that up to P micro-batches are in flight.
struct Replica: Sendable {
  enum Phase: UInt8 { case idle, wakePending, busy }
  /// What a scheduler runs: everything, or one side of disaggregated serving.
  enum Role: UInt8 { case both, prefill, decode }

  var waiting = Deque<Int32>()
  /// Running requests in admission order (the newest last: vLLM preempts from the end).
  var running: [Int32] = []
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
  var lastIterationEnd = -1.0
  /// The data-parallel replica (pipeline) this scheduler runs on.
  let pipeline: Int
  /// The pool (0: the only or the prefill pool, 1: the decode pool).
  let pool: Int
  let role: Role
  /// Blocks held by requests whose KV cache is being sent to a decode replica.
  var transferBlocks = 0

  init(blocks: Int, pipeline: Int, pool: Int = 0, role: Role = .both) {
    self.pipeline = pipeline
    self.pool = pool
    self.role = role
    totalBlocks = blocks
    freeBlocks = blocks
    running.reserveCapacity(512)
    batchIDs.reserveCapacity(512)
    batchTokens.reserveCapacity(512)
  }

  var usedBlocks: Int { totalBlocks - freeBlocks }
}
