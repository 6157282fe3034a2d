/// The replica schedulers: which requests run in the next iteration and with
/// how many tokens each.
///
/// vLLM policy (0.8.5 V1 `Scheduler.schedule`, vllm/v1/core/sched/scheduler.py,
/// read from the PyPI wheel): a token budget of `max_num_batched_tokens`; the
/// running requests first, in admission order, each with min(tokens left,
/// budget): decodes (one token each) and then partial prefills, which is the
/// order V1's single pass meets them in since a partial prefill is always the
/// newest; then new requests from the waiting queue, FCFS, while `max_num_seqs`
/// and the KV cache allow, and only in a step that preempted nothing. A running
/// request whose tokens find no free blocks preempts the newest running request
/// (recompute: its blocks are freed and it goes back to the front of the
/// waiting queue, to prefill prompt and outputs again later). Without chunked
/// prefill, vLLM v0's default scheduler runs prefill-only batches when any
/// waiting prompt fits, else a decode batch.
extension Simulator {
  /// Forms and starts the next iteration of replica `r`, if it has work.
  mutating func startIteration(replica r: Int) {
    iterationCounter += 1
    preemptedThisIteration = false
    replicas[r].batchIDs.removeAll(keepingCapacity: true)
    replicas[r].batchTokens.removeAll(keepingCapacity: true)
    var shape = BatchShape()
    var budget = plan.scheduler.maxNumBatchedTokens
    let policy = plan.scheduler.policy
    let chunked = policy == .sarathi || (policy == .vllm && plan.scheduler.chunkedPrefill)
    switch policy {
    case .vllm where !chunked:
      admitWaiting(r, &shape, &budget, chunked: false)
      if replicas[r].batchIDs.isEmpty { scheduleDecodes(r, &shape, &budget) }
    case .vllm, .sarathi:
      scheduleDecodes(r, &shape, &budget)
      schedulePartialPrefills(r, &shape, &budget)
      // vLLM V1: no new requests in a step that had to preempt.
      if !preemptedThisIteration { admitWaiting(r, &shape, &budget, chunked: true) }
    case .orca:
      scheduleDecodes(r, &shape, &budget)
      if !preemptedThisIteration { admitWaiting(r, &shape, &budget, chunked: false) }
    case .static:
      scheduleStatic(r, &shape)
    }
    guard !replicas[r].batchIDs.isEmpty else {
      replicas[r].phase = .idle
      return
    }
    peakRunning = max(peakRunning, replicas[r].running.count)
    peakUsedBlocks = max(peakUsedBlocks, replicas[r].usedBlocks)
    let pool = replicas[r].pool
    let cost = pricers[pool].price(shape)
    totalFlops += cost.flops
    costSources += cost.sources
    replicas[r].phase = .busy
    // The micro-batch flows through the replica's stages in order; each stage
    // serves micro-batches first come first served, so its start is the later
    // of the batch's arrival and the stage's last finish (pipeline bubbles
    // show as gaps between a stage's rows in iterations.csv).
    let d = replicas[r].pipeline
    let devices = poolTensor[pool]
    let sendBytes = Double(shape.tokens) * activationBytesPerToken
    var t = clock
    for s in 0..<stages {
      let start = max(t, stageFree[d * stages + s])
      let duration = cost.stageSeconds(
        stage: s, of: stages, layers: stageLayers[s], moeLayers: stageMoELayers[s])
      stageFree[d * stages + s] = start + duration
      busyDeviceSeconds += duration * devices
      poolBusyDeviceSeconds[pool] += duration * devices
      iterations.append(
        IterationRecord(
          replica: Int32(d), stage: Int32(s), start: start, duration: duration,
          prefillTokens: Int32(shape.prefillTokens), decodeTokens: Int32(shape.decodeSequences),
          batchSize: Int32(shape.sequences), kvBlocksUsed: Int32(replicas[r].usedBlocks)))
      t = start + duration
      if s < stages - 1 {
        t += CommGroup.sendRecv(bytes: sendBytes, link: stageLinks[d * (stages - 1) + s])
      }
    }
    let inFlight = t - clock
    inFlightSeconds += inFlight
    kvUseSeconds += Double(replicas[r].usedBlocks) / Double(max(replicas[r].totalBlocks, 1)) * inFlight
    queue.schedule(at: t, .iterationDone, subject: Int32(r))
  }

  /// Adds request `id` to the batch with `tokens` new tokens.
  @inline(__always)
  private mutating func enqueue(_ r: Int, _ id: Int32, tokens: Int32, _ shape: inout BatchShape) {
    let i = Int(id)
    let context = Int(requests[i].computed + tokens)
    if requests[i].isDecoding {
      shape.addDecode(context: context)
    } else {
      shape.addPrefill(
        chunk: Int(tokens), context: context, samples: context == Int(requests[i].knownTokens))
    }
    requests[i].stamp = iterationCounter
    if requests[i].firstScheduled < 0 { requests[i].firstScheduled = clock }
    replicas[r].batchIDs.append(id)
    replicas[r].batchTokens.append(tokens)
  }

  /// Grows request `id`'s blocks to hold `tokens` tokens; false if the pool is short.
  @inline(__always)
  private mutating func allocate(_ r: Int, _ id: Int, tokens: Int) -> Bool {
    let need = blocksFor(tokens) - Int(requests[id].blocks + requests[id].sharedBlocks)
    if need <= 0 { return true }
    if need > replicas[r].freeBlocks { return false }
    let free = replicas[r].freeBlocks
    if !prefixCaches.isEmpty, need > free - prefixCaches[r].evictable {
      prefixCaches[r].evict(need - (free - prefixCaches[r].evictable))
    } else if !hashCaches.isEmpty, need > free - hashCaches[r].evictable {
      hashCaches[r].evict(need - (free - hashCaches[r].evictable))
    }
    replicas[r].freeBlocks -= need
    requests[id].blocks += Int32(need)
    return true
  }

  /// Running decodes, one token each, preempting the newest running requests
  /// when blocks run out.
  private mutating func scheduleDecodes(_ r: Int, _ shape: inout BatchShape, _ budget: inout Int) {
    var i = 0
    while i < replicas[r].running.count && budget > 0 {
      let id = Int(replicas[r].running[i])
      guard requests[id].isDecoding else {
        i += 1
        continue
      }
      guard makeRoom(r, index: &i, tokens: 1) > 0 else { continue }
      enqueue(r, Int32(id), tokens: 1, &shape)
      budget -= 1
      i += 1
    }
  }

  /// Running requests part-way through their prefill, chunked to the budget.
  private mutating func schedulePartialPrefills(
    _ r: Int, _ shape: inout BatchShape, _ budget: inout Int
  ) {
    var i = 0
    while i < replicas[r].running.count && budget > 0 {
      let id = Int(replicas[r].running[i])
      if requests[id].stamp == iterationCounter || requests[id].isDecoding {
        i += 1
        continue
      }
      let wanted = min(Int(requests[id].knownTokens - requests[id].computed), budget)
      let chunk = makeRoom(r, index: &i, tokens: wanted)
      guard chunk > 0 else { continue }
      enqueue(r, Int32(id), tokens: Int32(chunk), &shape)
      budget -= chunk
      i += 1
    }
  }

  /// Allocates blocks for `tokens` more tokens of the running request at
  /// `index`, preempting the newest running request not already in this batch
  /// until they fit, or the request itself when there is no other (vLLM 0.8.5
  /// V1 `Scheduler.schedule`: `allocate_slots` for the whole chunk, else
  /// `self.running.pop()`; a chunk is not shrunk to the free blocks).
  ///
  /// - Returns: the tokens granted; 0 when the request itself was preempted
  ///   (`index` then points at the next request).
  private mutating func makeRoom(_ r: Int, index i: inout Int, tokens: Int) -> Int {
    let id = Int(replicas[r].running[i])
    let computed = Int(requests[id].computed)
    while true {
      if allocate(r, id, tokens: computed + tokens) { return tokens }
      guard let victim = newestUnscheduled(r, excluding: id) else {
        preempt(r, at: i)
        return 0
      }
      if victim < i { i -= 1 }
      preempt(r, at: victim)
    }
  }

  private func newestUnscheduled(_ r: Int, excluding id: Int) -> Int? {
    var j = replicas[r].running.count - 1
    while j >= 0 {
      let candidate = Int(replicas[r].running[j])
      if candidate != id && requests[candidate].stamp != iterationCounter { return j }
      j -= 1
    }
    return nil
  }

  /// Preempts the running request at `index` of replica `r` (recompute).
  private mutating func preempt(_ r: Int, at index: Int) {
    let id = Int(replicas[r].running.remove(at: index))
    discardedTokens += Int(requests[id].computed)
    replicas[r].freeBlocks += Int(requests[id].blocks)
    requests[id].blocks = 0
    releasePrefix(r, id)
    requests[id].computed = 0
    requests[id].preemptions += 1
    requests[id].status = .waiting
    replicas[r].waiting.prepend(Int32(id))
    preemptedThisIteration = true
  }

  /// New (or preempted) requests from the waiting queue, FCFS. Without chunking
  /// a prompt runs whole; one longer than the budget runs alone.
  private mutating func admitWaiting(
    _ r: Int, _ shape: inout BatchShape, _ budget: inout Int, chunked: Bool
  ) {
    let maxSeqs = plan.scheduler.maxNumSeqs
    while let head = replicas[r].waiting.first, replicas[r].running.count < maxSeqs, budget > 0 {
      let id = Int(head)
      if requests[id].computed == 0 && requests[id].prefixGroup >= 0 && !prefixCaches.isEmpty {
        acquirePrefix(r, id)
      } else if requests[id].computed == 0 && !hashCaches.isEmpty {
        acquireHashedPrefix(r, id)
      }
      let remaining = Int(requests[id].knownTokens - requests[id].computed)
      var tokens = remaining
      if chunked {
        tokens = min(remaining, budget)
      } else if remaining > budget && !replicas[r].batchIDs.isEmpty {
        break
      }
      if !allocate(r, id, tokens: Int(requests[id].computed) + tokens) {
        releasePrefix(r, id)
        requests[id].computed = 0
        break
      }
      replicas[r].waiting.removeFirst()
      requests[id].status = .running
      replicas[r].running.append(head)
      if requests[id].holdsPrefix {
        prefixHitTokens += Int(requests[id].computed)
        prefixLookupTokens += Int(requests[id].knownTokens)
        requests[id].cachedTokens += requests[id].computed
      }
      enqueue(r, head, tokens: Int32(tokens), &shape)
      budget -= tokens
    }
  }

  /// Request-level batching: a batch is admitted only when the last one has
  /// finished, with blocks reserved for every request's full length; it runs
  /// until its longest request ends, finished requests still occupying their
  /// slots as padding (FasterTransformer-style static batching).
  private mutating func scheduleStatic(_ r: Int, _ shape: inout BatchShape) {
    if replicas[r].running.isEmpty {
      for id in replicas[r].staticBatch {
        replicas[r].freeBlocks += Int(requests[Int(id)].blocks)
        requests[Int(id)].blocks = 0
      }
      replicas[r].staticBatch.removeAll(keepingCapacity: true)
      while let head = replicas[r].waiting.first,
        replicas[r].staticBatch.count < plan.scheduler.maxNumSeqs
      {
        let id = Int(head)
        let full = Int(requests[id].inputTokens + requests[id].outputTokens)
        if !allocate(r, id, tokens: full) { break }
        replicas[r].waiting.removeFirst()
        requests[id].status = .running
        replicas[r].running.append(head)
        replicas[r].staticBatch.append(head)
      }
    }
    for id in replicas[r].staticBatch {
      let i = Int(id)
      if requests[i].status == .running {
        let tokens = requests[i].knownTokens - requests[i].computed
        enqueue(r, id, tokens: tokens, &shape)
      } else {
        // Padding: a finished sequence still decodes in the batch.
        shape.decodeSequences += 1
        shape.decodeContextTokens += Double(requests[i].knownTokens)
      }
    }
  }

  /// Ends replica `r`'s iteration: every scheduled request computes its tokens;
  /// those that reach the end of their known tokens sample one more.
  mutating func finishIteration(replica r: Int) {
    let previousEnd = replicas[r].lastIterationEnd
    var sharedGaps: Int64 = 0
    var finished = 0
    for k in replicas[r].batchIDs.indices {
      let id = Int(replicas[r].batchIDs[k])
      let tokens = replicas[r].batchTokens[k]
      requests[id].computed += tokens
      scheduledTokens += Int(tokens)
      // Blocks are cached as they fill, so only an iteration that computed
      // prompt tokens can publish (not every decode step).
      if requests[id].holdsPrefix && requests[id].computed - tokens < requests[id].inputTokens {
        publishPrefix(r, id)
      }
      guard requests[id].computed == requests[id].knownTokens else { continue }
      requests[id].generated += 1
      if requests[id].firstToken < 0 {
        requests[id].firstToken = clock
      } else if requests[id].lastToken == previousEnd {
        sharedGaps += 1
      } else {
        itl.add(clock - requests[id].lastToken, weight: 1)
      }
      requests[id].lastToken = clock
      if requests[id].generated >= requests[id].outputTokens {
        finishedTokens += Int(requests[id].computed)
        requests[id].completion = clock
        requests[id].status = .finished
        if plan.scheduler.policy != .static {
          replicas[r].freeBlocks += Int(requests[id].blocks)
          requests[id].blocks = 0
        }
        releasePrefix(r, id)
        replicas[r].outstanding -= 1
        finished += 1
        nextClosedLoopRequest(after: id)
      } else if replicas[r].role == .prefill {
        startTransfer(id, from: r)
        finished += 1
      }
    }
    if sharedGaps > 0 { itl.add(clock - previousEnd, weight: sharedGaps) }
    if finished > 0 {
      replicas[r].running.removeAll {
        requests[Int($0)].status == .finished || requests[Int($0)].status == .transferring
      }
    }
    replicas[r].lastIterationEnd = clock
    startIteration(replica: r)
  }
}
