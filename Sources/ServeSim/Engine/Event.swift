/// One scheduled event. Ordered by time, then kind, then the order it was
/// scheduled in, so ties resolve the same way on every run.
public struct Event: Sendable, Comparable {
  /// Simulated time, in seconds.
  public var time: Double
  public var kind: EventKind
  /// Insertion sequence number (the final tie-break).
  public var sequence: UInt64
  /// The replica (iterationDone) or the request index (arrival).
  public var subject: Int32

  public static func < (lhs: Event, rhs: Event) -> Bool {
    if lhs.time != rhs.time { return lhs.time < rhs.time }
    if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
    return lhs.sequence < rhs.sequence
  }

  public static func == (lhs: Event, rhs: Event) -> Bool {
    lhs.time == rhs.time && lhs.kind == rhs.kind && lhs.sequence == rhs.sequence
  }
}
