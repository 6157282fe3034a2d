import Testing

@testable import ServeSim

@Suite struct EventQueueTests {
  @Test func ordersByTimeThenKindThenSequence() {
    var queue = EventQueue()
    queue.schedule(at: 2.0, .arrival, subject: 1)
    queue.schedule(at: 1.0, .replicaWake, subject: 2)
    queue.schedule(at: 1.0, .arrival, subject: 3)
    queue.schedule(at: 1.0, .iterationDone, subject: 4)
    queue.schedule(at: 1.0, .arrival, subject: 5)
    var order = [Int32]()
    while let event = queue.pop() { order.append(event.subject) }
    // Same time: iteration ends first, then arrivals in insertion order, then wakes.
    #expect(order == [4, 3, 5, 2, 1])
  }

  /// Interleaved schedules and pops, with many equal times and kinds,
  /// come out in the order of a sort by (time, kind, sequence).
  @Test func popsInSortedOrderUnderInterleaving() {
    var queue = EventQueue()
    var pending = [Event]()
    var rng = SplitMix64(seed: 7)
    var sequence: UInt64 = 0
    var popped = [Int32]()
    var expected = [Int32]()
    for step in 0..<5000 {
      if rng.next() % 3 != 0 || pending.isEmpty {
        let time = Double(rng.next() % 16) * 0.5
        let kind = EventKind(rawValue: UInt8(rng.next() % 4)) ?? .arrival
        queue.schedule(at: time, kind, subject: Int32(step))
        pending.append(Event(time: time, kind: kind, sequence: sequence, subject: Int32(step)))
        sequence += 1
      } else {
        let i = pending.indices.min { pending[$0] < pending[$1] } ?? 0
        expected.append(pending.remove(at: i).subject)
        popped.append(queue.pop()?.subject ?? -1)
      }
    }
    pending.sort()
    expected += pending.map(\.subject)
    while let event = queue.pop() { popped.append(event.subject) }
    #expect(popped == expected)
    #expect(queue.isEmpty)
  }

  @Test func emptyQueuePopsNothing() {
    var queue = EventQueue()
    #expect(queue.pop() == nil)
    #expect(queue.isEmpty)
  }
}
