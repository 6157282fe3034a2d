/// The end of an iteration: every scheduled request computes its tokens; those
/// that reach the end of their known tokens sample one more.
extension ReplicaScheduler {
  /// Books the iteration that just ended at `clock`: tokens computed, prefix
  /// blocks published, tokens emitted (inter-token gaps into `itl`), requests
  /// finished (their blocks freed, except under static batching where they
  /// stay until the batch ends) or, on a prefill replica, handed to
  /// disaggregated decode (status `transferring`, blocks kept until the
  /// transfer ends). Those requests are listed in `departed`, in order.
  mutating func finishBatch(
    _ requests: inout RequestWindow, itl: inout WeightedSamples, clock: Double
  ) {
    if leap.active {
      finishLeapStep(&requests, itl: &itl, clock: clock)
      return
    }
    let previousEnd = lastIterationEnd
    var sharedGaps: Int64 = 0
    departed.removeAll(keepingCapacity: true)
    let keepsBlocks = limits.policy == .static
    for k in batchIDs.indices {
      let id = Int(batchIDs[k])
      // A verify step computes the last token here and its accepted drafts below.
      let verifies = batchTokens[k] > 1 && requests[id].isDecoding
      let tokens = verifies ? 1 : batchTokens[k]
      requests[id].computed += tokens
      tally.scheduledTokens += Int(tokens)
      // Blocks are cached as they fill, so only an iteration that computed
      // prompt tokens can publish (not every decode step).
      if requests[id].holdsPrefix && requests[id].computed - tokens < requests[id].inputTokens {
        prefix.publish(id, &requests[id], blockSize: limits.blockSize)
        if offload.enabled { storeComputed(id, requests) }
      }
      guard requests[id].computed == requests[id].knownTokens else { continue }
      requests[id].generated += verifies ? finishVerify(id, drafts: Int(batchTokens[k]) - 1, &requests) : 1
      if requests[id].firstToken < 0 {
        // Disaggregated: the client's first token comes from the decode
        // worker, with its first step of the request (below), unless the
        // request ends here. SGLang 0.5.9 disaggregation/decode.py: the
        // decode loop polls the KV transfers once a step
        // (`process_decode_queue`), commits the prefill's token
        // (`_commit_transfer_to_req`) and streams it with the result of the
        // prebuilt batch, which the overlap loop processes after launching
        // the next step; the router returns the decode worker's stream.
        if role != .prefill || requests[id].generated >= requests[id].outputTokens {
          requests[id].firstToken = clock
        }
      } else if requests[id].lastToken == previousEnd {
        sharedGaps += 1
      } else {
        itl.add(clock - requests[id].lastToken, weight: 1)
      }
      requests[id].lastToken = clock
      if requests[id].generated >= requests[id].outputTokens {
        tally.finishedTokens += Int(requests[id].computed)
        requests[id].completion = clock
        requests[id].status = .finished
        if !keepsBlocks {
          freeBlocks += Int(requests[id].blocks)
          requests[id].blocks = 0
        }
        releasePrefix(id, &requests, clock: clock)
        outstanding -= 1
        departed.append(Int32(id))
      } else if role == .prefill {
        requests[id].status = .transferring
        outstanding -= 1
        transferBlocks += Int(requests[id].blocks)
        departed.append(Int32(id))
      }
    }
    if sharedGaps > 0 { itl.add(clock - previousEnd, weight: sharedGaps) }
    if !departed.isEmpty {
      running.removeAll {
        requests[Int($0)].status == .finished || requests[Int($0)].status == .transferring
      }
    }
    lastIterationEnd = clock
  }

  /// The KV cache of a request sent to a decode replica has arrived there:
  /// its `blocks` blocks are free again here.
  mutating func finishTransfer(blocks: Int) {
    transferBlocks -= blocks
    freeBlocks += blocks
  }

  /// Checks that KV blocks are within the pool and accounted for (running
  /// requests, referenced prefixes, transfers in flight, finished requests of a
  /// static batch, requests loading from host memory) and that the scheduler
  /// is not idle with work but for such loads.
  ///
  /// - Returns: a description of the first violation, or nil.
  func violation(_ requests: RequestWindow) -> String? {
    if freeBlocks < 0 || freeBlocks > totalBlocks {
      return "has \(freeBlocks) free of \(totalBlocks) blocks"
    }
    var held = transferBlocks + leap.pendingBlocks + loadingBlocks(requests)
    switch prefix.referencedBlocks() {
    case .success(let blocks): held += blocks
    case .failure(let error): return error.description
    }
    for id in running { held += Int(requests[Int(id)].blocks) }
    for id in staticBatch where requests[Int(id)].status == .finished {
      held += Int(requests[Int(id)].blocks)
    }
    if held != usedBlocks {
      return "running requests hold \(held) blocks, pool says \(usedBlocks)"
    }
    if phase == .idle && !(running.isEmpty && waiting.isEmpty) && offload.loading.isEmpty {
      return "is idle with \(running.count) running and \(waiting.count) waiting"
    }
    return nil
  }
}
