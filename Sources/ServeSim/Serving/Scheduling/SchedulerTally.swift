/// What one scheduler counted over a run: token accounting for the end-of-run
/// conservation check, and prefix-cache hits.
struct SchedulerTally: Sendable, Equatable {
  /// Tokens computed by iterations.
  var scheduledTokens = 0
  /// Tokens held by requests when they finished.
  var finishedTokens = 0
  /// Tokens thrown away by preemption (recompute).
  var discardedTokens = 0
  /// Prompt tokens found in the prefix cache, and prompt tokens looked up, over admissions.
  var prefixHitTokens = 0
  var prefixLookupTokens = 0
  /// Iterations formed in quiet decode stretches, without walking the
  /// requests (`DecodeLeap`).
  var leapedIterations = 0
  /// Speculative decoding: verify steps, and the tokens they gave (accepted
  /// drafts plus the target's own token, within the requests' outputs).
  var verifySteps = 0
  var verifiedTokens = 0
  /// Draft tokens verified and rejected (computed, then thrown away).
  var rejectedTokens = 0
  /// Iterations in which the token budget (`max_num_batched_tokens`) turned
  /// away tokens that a request wanted: a decode, a chunk cut short or left
  /// out, an admission stopped. With none, a larger budget forms the same
  /// batches (the optimizer's dominance test).
  var budgetDenials = 0
  /// Most of the token budget one iteration used.
  var peakBudgetUse = 0

  static func += (lhs: inout SchedulerTally, rhs: SchedulerTally) {
    lhs.scheduledTokens += rhs.scheduledTokens
    lhs.finishedTokens += rhs.finishedTokens
    lhs.discardedTokens += rhs.discardedTokens
    lhs.prefixHitTokens += rhs.prefixHitTokens
    lhs.prefixLookupTokens += rhs.prefixLookupTokens
    lhs.leapedIterations += rhs.leapedIterations
    lhs.verifySteps += rhs.verifySteps
    lhs.verifiedTokens += rhs.verifiedTokens
    lhs.rejectedTokens += rhs.rejectedTokens
    lhs.budgetDenials += rhs.budgetDenials
    lhs.peakBudgetUse = max(lhs.peakBudgetUse, rhs.peakBudgetUse)
  }
}
