/// Disaggregated prefill and decode: a prefilled request's KV cache moves to a
/// decode replica, which admits it only once the transfer is done.
extension Simulator {
  /// Starts sending request `id`'s KV cache from prefill scheduler `r`.
  ///
  /// Each of the prefill replica's tensor ranks sends its shard of the cache
  /// over its own link at once (as vLLM's NIXL and Mooncake connectors do), so
  /// the time is one rank's bytes over the transfer link. The prefill replica
  /// keeps the blocks until the transfer ends.
  mutating func startTransfer(_ id: Int, from r: Int) {
    guard let d = plan.disaggregation else { return }
    requests[id].status = .transferring
    replicas[r].outstanding -= 1
    replicas[r].transferBlocks += Int(requests[id].blocks)
    let bytesPerRank =
      Double(requests[id].computed) * plan.model.kvElementsPerTokenPerLayer(tensor: d.prefill.tensor)
      * Double(plan.model.costedLayers) * plan.precision.kvCache.bytes
    let seconds = CommGroup.sendRecv(bytes: bytesPerRank, link: d.transferLink)
    queue.schedule(at: clock + seconds, .kvTransferDone, subject: Int32(id))
  }

  /// The KV cache of request `id` has arrived: free the prefill blocks and queue
  /// the request at the decode replica with the fewest unfinished requests.
  mutating func finishTransfer(_ id: Int) {
    let from = Int(requests[id].scheduler)
    let blocks = Int(requests[id].blocks)
    replicas[from].transferBlocks -= blocks
    replicas[from].freeBlocks += blocks
    requests[id].blocks = 0
    wakeIfIdle(from)
    var target = entryReplicas
    for v in entryReplicas..<replicas.count where replicas[v].outstanding < replicas[target].outstanding {
      target = v
    }
    requests[id].scheduler = Int32(target)
    requests[id].replica = Int32(replicas[target].pipeline)
    requests[id].status = .waiting
    replicas[target].waiting.append(Int32(id))
    replicas[target].outstanding += 1
    wakeIfIdle(target)
  }

  /// Schedules a wake-up of scheduler `r` if it is idle.
  mutating func wakeIfIdle(_ r: Int) {
    guard replicas[r].phase == .idle else { return }
    replicas[r].phase = .wakePending
    queue.schedule(at: clock, .replicaWake, subject: Int32(r))
  }
}
