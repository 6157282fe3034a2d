import HeapModule

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

/// A priority queue of events with deterministic tie-breaking.
public struct EventQueue: Sendable {
  private var heap = Heap<Event>()
  private var nextSequence: UInt64 = 0

  public init() {}

  public var isEmpty: Bool { heap.isEmpty }
  public var count: Int { heap.count }

  /// Schedules an event.
  /// - Complexity: O(log n).
  public mutating func schedule(at time: Double, _ kind: EventKind, subject: Int32) {
    heap.insert(Event(time: time, kind: kind, sequence: nextSequence, subject: subject))
    nextSequence &+= 1
  }

  /// Removes and returns the earliest event.
  /// - Complexity: O(log n).
  public mutating func pop() -> Event? { heap.popMin() }
}
