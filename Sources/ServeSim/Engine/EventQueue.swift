/// A priority queue of events with deterministic tie-breaking.
///
/// A binary min-heap over a flat array, worked on through its buffer. The
/// queue of a simulation is small (one pending event per replica, one
/// open-loop arrival, the closed-loop clients' next requests), so the
/// min-max heap of swift-collections, whose pops compare against
/// grandchildren, and the checked array subscripts cost more than the
/// ordering itself: about 6% of a capacity search's time (issue 10). Every
/// event is distinct in the order (`Event.sequence` breaks ties), so any
/// correct heap pops the same sequence.
public struct EventQueue: Sendable {
  private var heap = [Event]()
  private var nextSequence: UInt64 = 0

  public init() {}

  public var isEmpty: Bool { heap.isEmpty }
  public var count: Int { heap.count }

  /// Schedules an event.
  /// - Complexity: O(log n).
  public mutating func schedule(at time: Double, _ kind: EventKind, subject: Int32) {
    heap.append(Event(time: time, kind: kind, sequence: nextSequence, subject: subject))
    nextSequence &+= 1
    heap.withUnsafeMutableBufferPointer { h in
      var child = h.count - 1
      let event = h[child]
      while child > 0 {
        let parent = (child - 1) / 2
        guard event < h[parent] else { break }
        h[child] = h[parent]
        child = parent
      }
      h[child] = event
    }
  }

  /// Removes and returns the earliest event.
  /// - Complexity: O(log n).
  public mutating func pop() -> Event? {
    guard let last = heap.popLast() else { return nil }
    if heap.isEmpty { return last }
    return heap.withUnsafeMutableBufferPointer { h in
      let first = h[0]
      // Sift the last event down from the root.
      let n = h.count
      var parent = 0
      while true {
        var child = 2 * parent + 1
        if child >= n { break }
        if child + 1 < n && h[child + 1] < h[child] { child += 1 }
        guard h[child] < last else { break }
        h[parent] = h[child]
        parent = child
      }
      h[parent] = last
      return first
    }
  }
}
