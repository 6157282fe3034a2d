/// Disaggregated prefill and decode: a prefilled request's KV cache moves to a
/// decode replica, which admits it only once the transfer is done.
extension Simulator {
  /// Starts sending request `id`'s KV cache from its prefill scheduler (which
  /// keeps the blocks until the transfer ends).
  ///
  /// Each of the prefill replica's tensor ranks sends its shard of the cache
  /// over its own link at once (as vLLM's NIXL and Mooncake connectors do), so
  /// the time is one rank's bytes over the transfer link.
  mutating func startTransfer(_ id: Int) {
    guard let d = plan.disaggregation else { return }
    // Under attention data parallelism the cache sits on one attention
    // rank's tensor group.
    let bytesPerRank =
      Double(requests[id].computed)
      * plan.model.kvElementsPerTokenPerLayer(tensor: pools.parallelism[0].attentionTensor)
      * Double(plan.model.costedLayers) * plan.precision.kvCache.bytes
    let seconds = CommGroup.sendRecv(bytes: bytesPerRank, link: d.transferLink)
    queue.schedule(at: clock + seconds, .kvTransferDone, subject: Int32(id))
  }

  /// The KV cache of request `id` has arrived: free the prefill blocks and queue
  /// the request at the decode scheduler with the fewest unfinished requests
  /// (an attention rank of a decode replica when the decode pool has them:
  /// the least loaded rank, as TensorRT-LLM balances new requests over its
  /// ranks, `lockstepRoute`).
  mutating func finishTransfer(_ id: Int) {
    let from = Int(requests[id].scheduler)
    schedulers[from].finishTransfer(blocks: Int(requests[id].blocks))
    requests[id].blocks = 0
    wakeIfIdle(from)
    let entry = pools.firstScheduler[1]
    var target = entry
    for v in entry..<schedulers.count where schedulers[v].outstanding < schedulers[target].outstanding {
      target = v
    }
    schedulers[target].accept(Int32(id), &requests, scheduler: target)
    wakeIfIdle(target)
  }
}
