/// Quiet decode stretches (`DecodeLeap`): iterations formed and finished in
/// O(1) while every running request decodes, nothing waits and nothing
/// finishes. Each iteration is still priced, timed and recorded by the
/// simulator exactly as when stepping; only the per-request walks are left
/// out, and the records are brought up to date when the stretch ends.
extension ReplicaScheduler {
  /// Starts a stretch with this iteration if the scheduler is quiet: a policy
  /// that decodes every running request when nothing waits (not static
  /// batching, not a prefill-only replica), every running request decoding,
  /// in the last iteration and not finishing in this one, all within the
  /// token budget and the KV cache.
  ///
  /// - Returns: the iteration's shape, or nil to form it by the policy.
  mutating func beginLeap(_ requests: RequestWindow, stamp: Int64) -> BatchShape? {
    guard waiting.isEmpty, !running.isEmpty, running.count <= limits.maxNumBatchedTokens,
      limits.policy != .static, role != .prefill
    else { return nil }
    let blockSize = limits.blockSize
    if leap.boundaries.count != blockSize {
      leap.boundaries = [Int32](repeating: 0, count: blockSize)
    } else {
      for k in 0..<blockSize { leap.boundaries[k] = 0 }
    }
    var limit = Int.max
    var context = 0
    for id in running {
      let r = requests[Int(id)]
      guard r.isDecoding, r.lastToken == lastIterationEnd else { return nil }
      limit = min(limit, Int(r.outputTokens - r.generated) - 1)
      let boundary = DecodeLeap.boundary(
        held: Int(r.blocks + r.sharedBlocks), computed: Int(r.computed), blockSize: blockSize)
      guard limit > 0, boundary >= 0, boundary < blockSize else { return nil }
      leap.boundaries[boundary] += 1
      context += Int(r.computed) + 1
    }
    leap.active = true
    leap.formed = 0
    leap.finished = 0
    leap.limit = limit
    leap.sequences = running.count
    leap.baseContext = context
    leap.pendingBlocks = 0
    guard let shape = continueLeap(stamp: stamp) else {
      leap.active = false
      return nil
    }
    return shape
  }

  /// Forms the stretch's next iteration: every running request decodes one
  /// token, those at a block boundary take a block (vLLM's `allocate_slots`
  /// for one token).
  ///
  /// - Returns: its shape, or nil when the stretch must end: a request
  ///   waits, one finishes in this iteration, or the new blocks would need an
  ///   eviction or a preemption.
  mutating func continueLeap(stamp: Int64) -> BatchShape? {
    guard waiting.isEmpty, leap.formed < leap.limit else { return nil }
    let need = Int(leap.boundaries[leap.formed % limits.blockSize])
    if need > 0 {
      guard need <= freeBlocks - prefix.evictable else { return nil }
      freeBlocks -= need
      leap.pendingBlocks += need
    }
    var shape = BatchShape()
    shape.decodeSequences = leap.sequences
    shape.decodeContextTokens = Double(leap.baseContext + leap.sequences * leap.formed)
    shape.sampledSequences = leap.sequences
    leap.formed += 1
    leap.lastStamp = stamp
    tally.leapedIterations += 1
    if limits.policy == .sglang {
      newTokenRatio = max(newTokenRatio - SGLangPolicy.decay, SGLangPolicy.minimumRatio)
    }
    return shape
  }

  /// Books the end of a stretch iteration at `clock`: one token per request,
  /// every gap since the last iteration's end.
  mutating func finishLeapStep(itl: inout WeightedSamples, clock: Double) {
    departed.removeAll(keepingCapacity: true)
    tally.scheduledTokens += leap.sequences
    itl.add(clock - lastIterationEnd, weight: Int64(leap.sequences))
    lastIterationEnd = clock
    leap.finished += 1
  }

  /// Ends the stretch between iterations: each running request gets the
  /// tokens, the samples and the blocks of the iterations it ran.
  mutating func endLeap(_ requests: inout RequestWindow) {
    let steps = Int32(leap.finished)
    let blockSize = limits.blockSize
    for id in running {
      let i = Int(id)
      let boundary = DecodeLeap.boundary(
        held: Int(requests[i].blocks + requests[i].sharedBlocks), computed: Int(requests[i].computed),
        blockSize: blockSize)
      requests[i].blocks += Int32(
        DecodeLeap.blocksGained(boundary: boundary, formed: leap.formed, blockSize: blockSize))
      requests[i].computed += steps
      requests[i].generated += steps
      if steps > 0 {
        requests[i].lastToken = lastIterationEnd
        requests[i].stamp = leap.lastStamp
      }
    }
    leap.active = false
    leap.pendingBlocks = 0
  }
}
