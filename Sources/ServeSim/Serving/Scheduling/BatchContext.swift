/// The batch being formed in one iteration of one scheduler.
struct BatchContext: Sendable {
  /// What the batch computes, for the cost model.
  var shape = BatchShape()
  /// Tokens the batch may still take.
  var budget: Int
  /// The iteration's number (requests in the batch carry it).
  let stamp: Int64
  /// When the batch is formed, in seconds.
  let clock: Double
  /// Whether forming the batch preempted a request.
  var preempted = false
  /// Whether the token budget turned away tokens a request wanted.
  var denied = false
  /// Admission by reserved outputs (SGLang, TensorRT-LLM): when set, a new
  /// request is admitted only if its prompt plus its reserved output tokens
  /// fit in the free KV tokens less `reservedTokens`, the outputs already
  /// reserved for running requests and for those admitted in this batch.
  var reservation: OutputReservation?
  var reservedTokens = 0.0

  init(budget: Int, stamp: Int64, clock: Double) {
    self.budget = budget
    self.stamp = stamp
    self.clock = clock
  }
}
