/// A prefix cache whose count of evictable blocks disagrees with its contents
/// (found by the invariant checks).
struct PrefixIndexError: Error, Sendable, CustomStringConvertible {
  /// Which cache ("prefix cache", "block-hash cache").
  let kind: String
  /// Unreferenced cached blocks counted from the contents, and the running count.
  let idle: Int
  let evictable: Int

  var description: String { "\(kind): \(idle) idle blocks, \(evictable) evictable" }
}
