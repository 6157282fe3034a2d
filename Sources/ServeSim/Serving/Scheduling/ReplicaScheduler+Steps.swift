/// The steps batch policies are made of: decodes of running requests, the
/// rest of partial prefills, admissions from the waiting queue, and static
/// batches.
///
/// vLLM (0.8.5 V1 `Scheduler.schedule`, vllm/v1/core/sched/scheduler.py, read
/// from the PyPI wheel): a token budget of `max_num_batched_tokens`; the
/// running requests first, in admission order, each with min(tokens left,
/// budget): decodes (one token each) and then partial prefills, which is the
/// order V1's single pass meets them in since a partial prefill is always the
/// newest; then new requests from the waiting queue, FCFS, while `max_num_seqs`
/// and the KV cache allow, and only in a step that preempted nothing.
extension ReplicaScheduler {
  /// Running decodes, one token each, preempting the newest running requests
  /// when blocks run out.
  mutating func scheduleDecodes(_ requests: inout RequestWindow, _ batch: inout BatchContext) {
    var i = 0
    while i < running.count && batch.budget > 0 {
      let id = Int(running[i])
      guard requests[id].isDecoding else {
        i += 1
        continue
      }
      // Speculative decoding verifies the drafts with the last token, as
      // many as the budget allows (vLLM counts them in the token budget).
      let drafts = speculation?.drafts ?? 0
      let tokens = 1 + min(drafts, batch.budget - 1)
      if tokens <= drafts { batch.denied = true }
      guard makeRoom(index: &i, tokens: tokens + lookahead(tokens), &requests, &batch) > 0 else {
        continue
      }
      enqueue(Int32(id), tokens: Int32(tokens), &requests, &batch)
      batch.budget -= tokens
      i += 1
    }
    if batch.budget == 0 && !batch.denied {
      // The budget ran out: any decode left out was turned away by it.
      for k in i..<running.count {
        let r = requests[Int(running[k])]
        if r.isDecoding && r.stamp != batch.stamp {
          batch.denied = true
          break
        }
      }
    }
  }

  /// Running requests part-way through their prefill, chunked to the budget.
  mutating func schedulePartialPrefills(_ requests: inout RequestWindow, _ batch: inout BatchContext) {
    if holdsContext { return }
    var i = 0
    while i < running.count && batch.budget > 0 {
      let id = Int(running[i])
      if requests[id].stamp == batch.stamp || requests[id].isDecoding {
        i += 1
        continue
      }
      let left = Int(requests[id].knownTokens - requests[id].computed)
      if left > batch.budget { batch.denied = true }
      let wanted = min(left, batch.budget)
      let chunk = makeRoom(index: &i, tokens: wanted, &requests, &batch)
      guard chunk > 0 else { continue }
      enqueue(Int32(id), tokens: Int32(chunk), &requests, &batch)
      batch.budget -= chunk
      i += 1
    }
    if batch.budget == 0 && !batch.denied {
      // The budget ran out: any prompt left part-way was turned away by it.
      for k in i..<running.count {
        let r = requests[Int(running[k])]
        if !r.isDecoding && r.stamp != batch.stamp {
          batch.denied = true
          break
        }
      }
    }
  }

  /// New (or preempted) requests from the waiting queue, FCFS. Without chunking
  /// a prompt runs whole; one longer than the budget runs alone.
  mutating func admitWaiting(_ requests: inout RequestWindow, _ batch: inout BatchContext) {
    if holdsContext { return }
    while let head = waiting.first, running.count < limits.maxNumSeqs, batch.budget > 0 {
      let id = Int(head)
      if requests[id].computed == 0 {
        freeBlocks -= prefix.acquire(id, &requests[id], blockSize: limits.blockSize)
        if offload.enabled && startHostLoad(id, &requests, clock: batch.clock) { continue }
      }
      let remaining = Int(requests[id].knownTokens - requests[id].computed)
      var reserve = 0.0
      if let reservation = batch.reservation {
        // SGLang: input + clipped output must stay below the free tokens less
        // what running requests still need (`rem_total_tokens`).
        reserve = reservation.admission(requests[id])
        let free = Double(freeBlocks * limits.blockSize) - batch.reservedTokens
        if Double(remaining) + reserve >= free {
          abandonAdmission(id, &requests, clock: batch.clock)
          break
        }
      }
      var tokens = remaining
      if remaining > batch.budget { batch.denied = true }
      if limits.chunked {
        tokens = min(remaining, batch.budget)
      } else if remaining > batch.budget && !batchIDs.isEmpty {
        break
      }
      if !allocate(id, tokens: Int(requests[id].computed) + tokens, &requests) {
        abandonAdmission(id, &requests, clock: batch.clock)
        break
      }
      waiting.removeFirst()
      requests[id].status = .running
      running.append(head)
      if requests[id].holdsPrefix {
        tally.prefixHitTokens += Int(requests[id].computed)
        tally.prefixLookupTokens += Int(requests[id].knownTokens)
        requests[id].cachedTokens += requests[id].computed
      }
      enqueue(head, tokens: Int32(tokens), &requests, &batch)
      batch.budget -= tokens
      // A prompt cut into chunks reserves its outputs with its last chunk.
      if tokens == remaining { batch.reservedTokens += reserve }
    }
    // The budget ran out with a request waiting that max_num_seqs would admit.
    if batch.budget <= 0 && !waiting.isEmpty && running.count < limits.maxNumSeqs { batch.denied = true }
  }

  /// The output tokens `reservation` holds back for the running requests
  /// that are decoding (SGLang's `rem_total_token_offset` over the running
  /// batch; a request still in its prompt's chunks is not in it).
  func reservedOutputs(_ reservation: OutputReservation, _ requests: RequestWindow) -> Double {
    var total = 0.0
    for id in running where requests[Int(id)].generated > 0 {
      total += reservation.remaining(requests[Int(id)])
    }
    return total
  }

  /// Request-level batching: a batch is admitted only when the last one has
  /// finished, with blocks reserved for every request's full length; it runs
  /// until its longest request ends, finished requests still occupying their
  /// slots as padding (FasterTransformer-style static batching).
  mutating func scheduleStatic(_ requests: inout RequestWindow, _ batch: inout BatchContext) {
    if running.isEmpty {
      for id in staticBatch {
        freeBlocks += Int(requests[Int(id)].blocks)
        requests[Int(id)].blocks = 0
      }
      staticBatch.removeAll(keepingCapacity: true)
      while let head = waiting.first, staticBatch.count < limits.maxNumSeqs {
        let id = Int(head)
        let full = Int(requests[id].inputTokens + requests[id].outputTokens)
        if !allocate(id, tokens: full, &requests) { break }
        waiting.removeFirst()
        requests[id].status = .running
        running.append(head)
        staticBatch.append(head)
      }
    }
    for id in staticBatch {
      let i = Int(id)
      if requests[i].status == .running {
        let tokens = requests[i].knownTokens - requests[i].computed
        enqueue(id, tokens: tokens, &requests, &batch)
      } else {
        // Padding: a finished sequence still decodes in the batch.
        batch.shape.decodeSequences += 1
        batch.shape.decodeContextTokens += Double(requests[i].knownTokens)
      }
    }
  }
}
