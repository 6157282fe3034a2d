/// A streaming run's hand-over of finished requests and recorded iterations
/// to its observer.
struct StreamingWindow: Sendable {
  /// Requests below this ID went to the observer.
  private(set) var retiredRequests = 0
  /// Iterations handed to the observer.
  private(set) var recordedIterations = 0
  /// Retired requests forgotten at once (at least; and at least half the
  /// window), and events between hand-overs − 1 (a power of two minus one).
  /// Small values in tests move the window often.
  var discardBatch = 16_384
  var handOverMask = 4_095

  /// Hands the observer the iterations recorded so far and the oldest
  /// requests that are done (all that are left when `final`), and forgets
  /// them. A request is done when it finished or was dropped and holds no KV
  /// blocks (a static batch keeps finished requests' blocks until the batch
  /// ends).
  mutating func hand<Observer: SimulationObserver>(
    _ requests: inout RequestWindow, _ iterations: inout [IterationRecord],
    to observer: inout Observer, final: Bool
  ) {
    if !iterations.isEmpty {
      observer.record(iterations[...])
      recordedIterations += iterations.count
      iterations.removeAll(keepingCapacity: true)
    }
    let end = requests.endID
    while retiredRequests < end {
      let record = requests[retiredRequests]
      let done = (record.status == .finished || record.status == .dropped) && record.blocks == 0
      guard done || final else { break }
      observer.retire(record, id: retiredRequests)
      retiredRequests += 1
    }
    let forgettable = retiredRequests - requests.base
    if final || (forgettable >= discardBatch && forgettable * 2 >= requests.records.count) {
      requests.discard(before: retiredRequests)
    }
  }
}
