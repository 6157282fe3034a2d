/// A quiet decode stretch of one scheduler: every running request decodes one
/// token per iteration and none can be admitted, so consecutive iterations differ
/// only by one token of context per request, by the KV blocks that fill up
/// and by the requests that finish.
///
/// While a stretch lasts the scheduler forms and finishes its iterations in
/// O(1) from this summary instead of walking its running requests: the batch
/// shape from a running sum of context lengths, new KV blocks from the count
/// of requests whose next block boundary falls in that iteration (each request
/// crosses one every `blockSize` iterations), the inter-token gaps as one
/// weighted sample. The request records are left as they were when the
/// stretch began and brought up to date (`ReplicaScheduler.endLeap`) before
/// anything reads them, so the result is the same, bit for bit, as stepping
/// each request through every iteration (`--no-leap`).
struct DecodeLeap: Sendable {
  /// Whether a stretch is under way.
  var active = false
  /// Iterations of the stretch formed and finished so far.
  var formed = 0
  var finished = 0
  /// The iteration in which the next running requests sample their last
  /// token (the least of their remaining outputs less one, counted from the
  /// stretch's start).
  var limit = 0
  /// Running requests (all decoding).
  var sequences = 0
  /// Σ over the running requests of their context in the stretch's first
  /// iteration (computed tokens + the new one), in tokens; iteration k's is
  /// this plus `sequences · k`.
  var baseContext = 0
  /// Requests that need a new KV block in iteration k, at index k mod the
  /// block size (a request first needs one in iteration `boundary`, then
  /// every block size iterations).
  var boundaries: [Int32] = []
  /// KV blocks allocated during the stretch and not yet added to the records.
  var pendingBlocks = 0
  /// The number of the stretch's last formed iteration (requests' `stamp`).
  var lastStamp: Int64 = -1

  /// The first iteration of the stretch in which a request holding `held`
  /// blocks of `blockSize` tokens with `computed` tokens computed needs one
  /// more: the one that computes token `held · blockSize + 1`.
  @inline(__always)
  static func boundary(held: Int, computed: Int, blockSize: Int) -> Int {
    held * blockSize - computed
  }

  /// Blocks a request whose first boundary is iteration `boundary` gained in
  /// the stretch's first `formed` iterations.
  @inline(__always)
  static func blocksGained(boundary: Int, formed: Int, blockSize: Int) -> Int {
    formed > boundary ? (formed - 1 - boundary) / blockSize + 1 : 0
  }
}
