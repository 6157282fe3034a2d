import ServeSim

/// Queued (arrived, not yet scheduled) and running (scheduled, not finished)
/// requests over time, as steps.
enum RequestCounts {
  struct Step: Equatable {
    /// Seconds.
    var time: Double
    var queued: Int
    var running: Int
  }

  /// One step per distinct time at which a count changes, in time order.
  ///
  /// A request is queued from arrival to its first scheduling and running from
  /// then to completion (preempted requests stay counted as running); dropped
  /// requests are never counted.
  static func steps(_ requests: [RequestRecord]) -> [Step] {
    // (time, Δqueued, Δrunning)
    var changes = [(Double, Int8, Int8)]()
    changes.reserveCapacity(requests.count * 3)
    for r in requests where r.status != .dropped && r.arrival >= 0 {
      changes.append((r.arrival, 1, 0))
      if r.firstScheduled >= 0 {
        changes.append((r.firstScheduled, -1, 1))
        if r.completion >= 0 { changes.append((r.completion, 0, -1)) }
      }
    }
    changes.sort { $0.0 < $1.0 }
    var steps = [Step]()
    var queued = 0
    var running = 0
    var i = 0
    while i < changes.count {
      let time = changes[i].0
      while i < changes.count && changes[i].0 == time {
        queued += Int(changes[i].1)
        running += Int(changes[i].2)
        i += 1
      }
      steps.append(Step(time: time, queued: queued, running: running))
    }
    return steps
  }
}
