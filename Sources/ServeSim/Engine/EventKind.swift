/// What an event does.
public enum EventKind: UInt8, Sendable, Comparable {
  /// A replica's iteration ends: its tokens are emitted and it schedules again.
  /// Ordered before arrivals at the same instant, so that a request arriving
  /// exactly when an iteration ends joins the next one with the freed space.
  case iterationDone = 0
  /// A request's KV cache has reached its decode replica (disaggregation).
  case kvTransferDone = 1
  /// A request arrives at the router.
  case arrival = 2
  /// An idle replica that received work schedules its next batch, after every
  /// arrival of the same instant is queued.
  case replicaWake = 3

  public static func < (lhs: EventKind, rhs: EventKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
