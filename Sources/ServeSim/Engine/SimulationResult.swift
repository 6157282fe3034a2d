/// Everything a simulation produced, as a value.
public struct SimulationResult: Sendable {
  public var plan: PlanSpec
  public var memory: MemoryPlan
  /// Every request, in creation order (its index is its ID).
  public var requests: [RequestRecord]
  /// Every iteration of every replica, in start order.
  public var iterations: [IterationRecord]
  /// Pooled inter-token latencies, in seconds.
  public var itl: WeightedSamples
  /// Model FLOPs done by all devices.
  public var totalFlops: Double
  /// Σ over stage iterations of duration × devices of the stage, in device-seconds.
  public var busyDeviceSeconds: Double
  /// Σ over batches of the scheduler's share of KV blocks in use × the batch's
  /// time in flight, in seconds.
  public var kvUseSeconds: Double
  /// Σ over batches of time in flight, in seconds.
  public var inFlightSeconds: Double
  public var warnings: [String]
  /// Device time of all iterations split by the source that priced it
  /// (measured, fitted, datasheet), in seconds.
  public var costSources = SourceSeconds()
}

extension Simulator {
  /// Checks the simulation's invariants: KV blocks within the pool and
  /// accounted for, nothing left idle with work waiting.
  func verify() throws(SimulationError) {
    for (r, replica) in replicas.enumerated() {
      if replica.freeBlocks < 0 || replica.freeBlocks > replica.totalBlocks {
        throw .invariantViolated(
          "replica \(r) has \(replica.freeBlocks) free of \(replica.totalBlocks) blocks")
      }
      var held = 0
      for id in replica.running { held += Int(requests[Int(id)].blocks) }
      for id in replica.staticBatch where requests[Int(id)].status == .finished {
        held += Int(requests[Int(id)].blocks)
      }
      if held != replica.usedBlocks {
        throw .invariantViolated(
          "replica \(r) running requests hold \(held) blocks, pool says \(replica.usedBlocks)")
      }
      if replica.phase == .idle && !(replica.running.isEmpty && replica.waiting.isEmpty) {
        throw .invariantViolated(
          "replica \(r) is idle with \(replica.running.count) running and \(replica.waiting.count) waiting")
      }
    }
  }
}
