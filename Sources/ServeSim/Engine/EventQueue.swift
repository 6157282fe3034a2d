import HeapModule

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
