/// The request records a simulation still needs, indexed by request ID.
///
/// A simulation that keeps its results holds every record (the window starts
/// at ID 0 and never moves). A streaming simulation hands finished requests to
/// its observer in ID order and then discards them, so the window holds only
/// the requests from the oldest unfinished one on: memory follows the requests
/// in flight, not the length of the workload.
struct RequestWindow: Sendable {
  /// Records of IDs `base ..< base + records.count`.
  private(set) var records: [RequestRecord] = []
  /// The ID of `records[0]`.
  private(set) var base = 0

  /// One past the newest request's ID (the number of requests created).
  var endID: Int { base + records.count }

  subscript(id: Int) -> RequestRecord {
    @inline(__always) _read { yield records[id &- base] }
    @inline(__always) _modify { yield &records[id &- base] }
  }

  /// Appends a record and returns its ID.
  mutating func append(_ record: RequestRecord) -> Int {
    records.append(record)
    return endID - 1
  }

  mutating func reserveCapacity(_ count: Int) { records.reserveCapacity(count) }

  /// Forgets the records of IDs below `id` (amortised: one move of the
  /// remaining records).
  mutating func discard(before id: Int) {
    let count = id - base
    guard count > 0 else { return }
    records.removeFirst(count)
    base = id
  }
}
