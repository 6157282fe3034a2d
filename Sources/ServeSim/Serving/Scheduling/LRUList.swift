/// A doubly linked list of dense ids `0 ..< count`, linked through arrays, in
/// order of use (the least recent at `head`): appending, unlinking and taking
/// the head are O(1) and allocate nothing.
struct LRUList: Sendable {
  /// Links by id, -1 for none.
  private var previous: [Int32]
  private var following: [Int32]
  /// The least and most recently appended ids in the list, -1 when empty.
  private(set) var head: Int32 = -1
  private(set) var tail: Int32 = -1

  init(count: Int) {
    previous = [Int32](repeating: -1, count: count)
    following = [Int32](repeating: -1, count: count)
  }

  /// Puts `x`, not in the list, at its end (the most recent).
  mutating func append(_ x: Int) {
    previous[x] = tail
    following[x] = -1
    if tail >= 0 { following[Int(tail)] = Int32(x) } else { head = Int32(x) }
    tail = Int32(x)
  }

  /// Takes `x` out of the list (nothing when it is not in it).
  mutating func unlink(_ x: Int) {
    let p = previous[x]
    let n = following[x]
    if p >= 0 { following[Int(p)] = n } else if head == Int32(x) { head = n }
    if n >= 0 { previous[Int(n)] = p } else if tail == Int32(x) { tail = p }
    previous[x] = -1
    following[x] = -1
  }
}
