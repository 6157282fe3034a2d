/// Speculative decoding in the scheduler: a decode step of a request verifies
/// its last token and `k` drafts in one target pass (`scheduleDecodes`), then
/// keeps a random prefix of the drafts (`Speculation`).
extension ReplicaScheduler {
  /// KV slots a decode step of `tokens` verified positions reserves beyond
  /// them: vLLM 0.11 allocates `num_lookahead_tokens` = k more for the
  /// drafts the EAGLE/MTP proposer writes after the step
  /// (vllm/v1/core/sched/scheduler.py, `allocate_slots`); SGLang and
  /// TensorRT-LLM allocate only the verified positions.
  @inline(__always)
  func lookahead(_ tokens: Int) -> Int {
    tokens > 1 && limits.policy == .vllm ? tokens - 1 : 0
  }

  /// Books the verify step of request `id`, whose last token is computed and
  /// who sampled: `drafts` drafts were verified; an accepted prefix of them
  /// joins the computed tokens, and the request gets those plus the target's
  /// own token, within its output length. Under SGLang the blocks past the
  /// computed tokens (the rejected drafts' slots) go back to the pool.
  ///
  /// - Returns: the tokens the request gets (the new `generated` less the old).
  mutating func finishVerify(_ id: Int, drafts: Int, _ requests: inout RequestWindow) -> Int32 {
    // Drawn in place (optional chaining), not on a copy written back.
    guard let accepted = speculation?.accepted(of: drafts, request: id) else { return 1 }
    let left = Int(requests[id].outputTokens - requests[id].generated)
    let emitted = min(accepted + 1, left)
    requests[id].computed += Int32(emitted - 1)
    tally.scheduledTokens += emitted - 1
    tally.rejectedTokens += drafts - (emitted - 1)
    tally.verifySteps += 1
    tally.verifiedTokens += emitted
    if speculation?.releasesRejected == true {
      let keep = max(blocksFor(Int(requests[id].computed)) - Int(requests[id].sharedBlocks), 0)
      if Int(requests[id].blocks) > keep {
        freeBlocks += Int(requests[id].blocks) - keep
        requests[id].blocks = Int32(keep)
      }
    }
    return Int32(emitted)
  }
}
