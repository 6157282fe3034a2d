/// The host KV tier (`HostKVTier`) at the scheduler's three points: a
/// waiting request's admission (look its prefix up, load what host memory
/// holds), the start of a batch (loaded requests rejoin the waiting queue)
/// and the end of an iteration (store the prefix blocks it computed).
extension ReplicaScheduler {
  /// Looks up, in host memory, the prefix of the waiting request `id` past
  /// the blocks the device cache gave it (it has just acquired them); when
  /// at least one unit is there, allocates device blocks for the units found
  /// and starts loading them: the request leaves the waiting queue (its head)
  /// until the load ends (vLLM 0.11 `Scheduler.schedule` with a connector that
  /// loads asynchronously: `allocate_slots` for the external tokens, then
  /// `WAITING_FOR_REMOTE_KVS`).
  ///
  /// - Returns: whether a load started.
  mutating func startHostLoad(_ id: Int, _ requests: inout RequestWindow, clock: Double) -> Bool {
    guard offload.enabled, requests[id].holdsPrefix,
      let chain = prefix.hostChain(
        id, requests[id], blockSize: limits.blockSize, unitsPerGroup: offload.unitsPerGroup)
    else { return false }
    // At least one prompt token is computed (vLLM's `num_computed_tokens`
    // stops one short of the prompt).
    let limit = min(chain.count, (Int(requests[id].knownTokens) - 1) / chain.unitTokens)
    let onDevice = Int(requests[id].sharedBlocks) / offload.blocksPerUnit
    // `get_num_new_matched_tokens` touches every block of the request first.
    offload.touch(chain, count: chain.count)
    guard limit > onDevice else { return false }
    let found = offload.held(chain, from: onDevice, limit: limit)
    guard found > 0 else { return false }
    let tokens = (onDevice + found) * chain.unitTokens
    guard allocate(id, tokens: tokens, &requests) else { return false }
    offload.startLoad(
      Int32(id), units: found, tokens: Int32(tokens), hit: tokens - Int(requests[id].computed), clock: clock)
    waiting.removeFirst()
    return true
  }

  /// Loads that ended by `clock`: their requests hold the loaded tokens
  /// computed, their blocks join the device cache, and they go back to the
  /// head of the waiting queue in the order their loads started.
  ///
  /// A block another request has computed and cached on the device
  /// meanwhile is not cached twice: the request then lets go of its loaded
  /// blocks and will take the device's copies when admitted (vLLM keeps its
  /// own copy instead; letting go keeps waiting requests from holding blocks
  /// no running request can free).
  mutating func finishHostLoads(_ requests: inout RequestWindow, clock: Double) {
    let ended = offload.ended(by: clock)
    guard ended > 0 else { return }
    var k = ended - 1
    while k >= 0 {
      let id = Int(offload.loading[k])
      let hit = Int(offload.loadTokens[k] - requests[id].computed)
      requests[id].computed = offload.loadTokens[k]
      prefix.publish(id, &requests[id], blockSize: limits.blockSize)
      if requests[id].blocks > 0 {
        offload.counts.hitTokens -= hit
        abandonAdmission(id, &requests, clock: clock)
      }
      waiting.prepend(Int32(id))
      k -= 1
    }
    offload.dropLoads(ended)
  }

  /// Stores in host memory the full prefix blocks request `id` has computed
  /// so far (those held already are only touched).
  mutating func storeComputed(_ id: Int, _ requests: RequestWindow) {
    guard
      let chain = prefix.hostChain(
        id, requests[id], blockSize: limits.blockSize, unitsPerGroup: offload.unitsPerGroup)
    else { return }
    let full = min(chain.count, Int(min(requests[id].computed, requests[id].inputTokens)) / chain.unitTokens)
    offload.store(chain, from: 0, to: full)
  }

  /// Gives up admitting waiting request `id`: its prefix references and any
  /// blocks it holds (loaded from host memory and not cached) are released,
  /// and it will be looked up again.
  mutating func abandonAdmission(_ id: Int, _ requests: inout RequestWindow, clock: Double) {
    releasePrefix(id, &requests, clock: clock)
    freeBlocks += Int(requests[id].blocks)
    requests[id].blocks = 0
    requests[id].computed = 0
  }

  /// Blocks held by requests whose prefix is loading from host memory.
  func loadingBlocks(_ requests: RequestWindow) -> Int {
    var held = 0
    for id in offload.loading { held += Int(requests[Int(id)].blocks) }
    return held
  }
}
