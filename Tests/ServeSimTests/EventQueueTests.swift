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

  @Test func emptyQueuePopsNothing() {
    var queue = EventQueue()
    #expect(queue.pop() == nil)
    #expect(queue.isEmpty)
  }
}
