/// KV-cache blocks: allocation (evicting cached prefixes when the truly free
/// blocks run out), preemption, and prefix references.
extension ReplicaScheduler {
  /// Grows request `id`'s blocks to hold `tokens` tokens; false if the pool is short.
  @inline(__always)
  mutating func allocate(_ id: Int, tokens: Int, _ requests: inout RequestWindow) -> Bool {
    let need = blocksFor(tokens) - Int(requests[id].blocks + requests[id].sharedBlocks)
    if need <= 0 { return true }
    if need > freeBlocks { return false }
    let evictable = prefix.evictable
    if need > freeBlocks - evictable { prefix.evict(need - (freeBlocks - evictable)) }
    freeBlocks -= need
    requests[id].blocks += Int32(need)
    return true
  }

  /// Allocates blocks for `tokens` more tokens of the running request at
  /// `index`, preempting the newest running request not already in this batch
  /// until they fit, or the request itself when there is no other (vLLM 0.8.5
  /// V1 `Scheduler.schedule`: `allocate_slots` for the whole chunk, else
  /// `self.running.pop()`; a chunk is not shrunk to the free blocks).
  ///
  /// - Returns: the tokens granted; 0 when the request itself was preempted
  ///   (`index` then points at the next request).
  mutating func makeRoom(
    index i: inout Int, tokens: Int, _ requests: inout RequestWindow, _ batch: inout BatchContext
  ) -> Int {
    let id = Int(running[i])
    let computed = Int(requests[id].computed)
    while true {
      if allocate(id, tokens: computed + tokens, &requests) { return tokens }
      guard let victim = newestUnscheduled(excluding: id, requests, stamp: batch.stamp) else {
        preempt(at: i, &requests, &batch)
        return 0
      }
      if victim < i { i -= 1 }
      preempt(at: victim, &requests, &batch)
    }
  }

  private func newestUnscheduled(excluding id: Int, _ requests: RequestWindow, stamp: Int64) -> Int? {
    var j = running.count - 1
    while j >= 0 {
      let candidate = Int(running[j])
      if candidate != id && requests[candidate].stamp != stamp { return j }
      j -= 1
    }
    return nil
  }

  /// Preempts the running request at `index` (recompute: its blocks are freed
  /// and it goes back to the front of the waiting queue, to prefill prompt and
  /// outputs again later).
  mutating func preempt(at index: Int, _ requests: inout RequestWindow, _ batch: inout BatchContext) {
    let id = Int(running.remove(at: index))
    tally.discardedTokens += Int(requests[id].computed)
    freeBlocks += Int(requests[id].blocks)
    requests[id].blocks = 0
    releasePrefix(id, &requests, clock: batch.clock)
    requests[id].computed = 0
    requests[id].preemptions += 1
    requests[id].status = .waiting
    waiting.prepend(Int32(id))
    batch.preempted = true
  }

  /// Drops request `id`'s references on cached prefix blocks; blocks no
  /// request references any more count as free again.
  @inline(__always)
  mutating func releasePrefix(_ id: Int, _ requests: inout RequestWindow, clock: Double) {
    guard requests[id].holdsPrefix else { return }
    freeBlocks += prefix.release(id, &requests[id], clock: clock)
  }
}
