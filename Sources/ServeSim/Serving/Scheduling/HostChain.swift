/// One request's prompt prefix as units of the host KV tier: the hashed
/// blocks of a trace's chain, or the blocks of a shared-prefix group.
struct HostChain {
  /// A trace's hash ids (the chain is `ids[start ..< start + count]`); empty
  /// for a group, whose units are `start ..< start + count`.
  let ids: [Int32]
  let start: Int
  /// Units of the prefix (its full blocks).
  let count: Int
  /// Prompt tokens per unit.
  let unitTokens: Int

  /// The unit of the prefix's `k`-th block.
  @inline(__always)
  func unit(_ k: Int) -> Int { ids.isEmpty ? start + k : Int(ids[start + k]) }
}
