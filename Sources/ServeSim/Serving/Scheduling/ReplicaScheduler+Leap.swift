/// Quiet decode stretches (`DecodeLeap`): iterations formed and finished in
/// O(1) while every running request decodes and nothing can be admitted
/// (nothing waits, or `max_num_seqs` run); an iteration
/// in which requests finish costs a pass over the running requests, as when
/// stepping. Each iteration is still priced, timed and recorded by the
/// simulator exactly as when stepping; only the per-request walks are left
/// out, and the records are brought up to date when the stretch ends.
extension ReplicaScheduler {
  /// Starts a stretch with this iteration if the scheduler is quiet: a policy
  /// that decodes every running request when it admits none (not static
  /// batching, not a prefill-only replica), every running request decoding
  /// and in the last iteration, all within the token budget and the KV
  /// cache.
  ///
  /// - Returns: the iteration's shape, or nil to form it by the policy.
  mutating func beginLeap(_ requests: RequestWindow, stamp: Int64) -> BatchShape? {
    // Speculative decoding gives each request a random number of tokens
    // per step: no stretch is quiet enough to leap.
    guard admitsNone, !running.isEmpty, running.count <= limits.maxNumBatchedTokens,
      limits.policy != .static, role != .prefill, speculation == nil
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
      guard boundary >= 0, boundary < blockSize else { return nil }
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
    // One token of the budget per decode, as when stepping (the stretch's
    // first iteration runs the most).
    tally.peakBudgetUse = max(tally.peakBudgetUse, running.count)
    return shape
  }

  /// Whether no policy can admit a request now: none waits, or `max_num_seqs`
  /// run already (every policy's admission checks that first, before it
  /// touches the request or the prefix cache), and no prefix is loading from
  /// host memory (a load that ends sends its request back to the queue).
  var admitsNone: Bool {
    (waiting.isEmpty || running.count >= limits.maxNumSeqs) && offload.loading.isEmpty
  }

  /// Forms the stretch's next iteration: every running request decodes one
  /// token, those at a block boundary take a block (vLLM's `allocate_slots`
  /// for one token).
  ///
  /// - Returns: its shape, or nil when the stretch must end: a request
  ///   could be admitted or the new blocks would need an eviction or a
  ///   preemption.
  mutating func continueLeap(stamp: Int64) -> BatchShape? {
    guard admitsNone else { return nil }
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
  /// every gap since the last iteration's end. In iteration `limit` the
  /// requests that sample their last token finish as `finishBatch` finishes
  /// them (in running order, their records brought up to date first); the
  /// stretch goes on with the others, up to the next one to finish.
  mutating func finishLeapStep(_ requests: inout RequestWindow, itl: inout WeightedSamples, clock: Double) {
    departed.removeAll(keepingCapacity: true)
    tally.scheduledTokens += leap.sequences
    itl.add(clock - lastIterationEnd, weight: Int64(leap.sequences))
    lastIterationEnd = clock
    let completes = leap.finished == leap.limit
    leap.finished += 1
    if completes { finishLeapCompletions(&requests, clock: clock) }
  }

  /// The requests finishing in the stretch's iteration `limit`, finished, and
  /// the stretch's sums and next limit without them.
  private mutating func finishLeapCompletions(_ requests: inout RequestWindow, clock: Double) {
    let steps = Int32(leap.finished)
    let blockSize = limits.blockSize
    var next = Int.max
    for id in running {
      let i = Int(id)
      let remaining = Int(requests[i].outputTokens - requests[i].generated) - 1
      guard remaining == leap.limit else {
        next = min(next, remaining)
        continue
      }
      let boundary = DecodeLeap.boundary(
        held: Int(requests[i].blocks + requests[i].sharedBlocks), computed: Int(requests[i].computed),
        blockSize: blockSize)
      let gained = DecodeLeap.blocksGained(boundary: boundary, formed: leap.formed, blockSize: blockSize)
      leap.sequences -= 1
      leap.baseContext -= Int(requests[i].computed) + 1
      leap.boundaries[boundary] -= 1
      leap.pendingBlocks -= gained
      requests[i].blocks += Int32(gained)
      requests[i].computed += steps
      requests[i].generated += steps
      requests[i].lastToken = clock
      requests[i].stamp = leap.lastStamp
      tally.finishedTokens += Int(requests[i].computed)
      requests[i].completion = clock
      requests[i].status = .finished
      freeBlocks += Int(requests[i].blocks)
      requests[i].blocks = 0
      releasePrefix(i, &requests, clock: clock)
      outstanding -= 1
      departed.append(id)
    }
    running.removeAll { requests[Int($0)].status == .finished }
    leap.limit = next
    if running.isEmpty { leap.active = false }
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
