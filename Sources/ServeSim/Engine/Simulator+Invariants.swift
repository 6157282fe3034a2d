/// The invariant checks of `--check-invariants`.
extension Simulator {
  /// Checks, at the end of a run, that every request that arrived completed
  /// with all its output tokens or was dropped with a reason, and that tokens
  /// are conserved: what iterations computed equals what finished requests
  /// hold plus what preemption threw away, less what prefix caches supplied.
  func verifyEnd() throws(SimulationError) {
    for id in stream.retiredRequests..<requests.endID {
      let r = requests[id]
      switch r.status {
      case .finished:
        if r.generated != r.outputTokens || Int(r.computed) != Int(r.inputTokens + r.outputTokens) - 1 {
          throw .invariantViolated(
            "request \(id) finished with \(r.generated) of \(r.outputTokens) output tokens and \(r.computed) computed"
          )
        }
      case .dropped where r.dropReason != .none: continue
      default:
        throw .invariantViolated("request \(id) ended \(r.status) without a reason")
      }
    }
    let t = tally
    if t.scheduledTokens != t.finishedTokens + t.discardedTokens - t.prefixHitTokens {
      throw .invariantViolated(
        "tokens not conserved: iterations computed \(t.scheduledTokens), finished requests hold \(t.finishedTokens), preemption discarded \(t.discardedTokens), prefix caches supplied \(t.prefixHitTokens)"
      )
    }
  }

  /// Checks every scheduler's invariants: KV blocks within the pool and
  /// accounted for, nothing left idle with work waiting.
  func verify() throws(SimulationError) {
    for (r, scheduler) in schedulers.enumerated() {
      if let violation = scheduler.violation(requests) {
        throw .invariantViolated("replica \(r) \(violation)")
      }
    }
  }
}
