/// Where a request is in its life.
public enum RequestStatus: UInt8, Sendable {
  /// Created, not yet arrived (closed-loop clients thinking).
  case pending
  /// In a replica's waiting queue (new or preempted).
  case waiting
  /// In a replica's running batch.
  case running
  /// Prefilled; its KV cache is on its way to a decode replica (disaggregation).
  case transferring
  case finished
  /// Rejected at arrival; see `DropReason`.
  case dropped
}
