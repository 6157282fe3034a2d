/// Which prompt prefixes replayed requests share: for each request, the hashes
/// of its prompt's consecutive blocks of `blockTokens` tokens (Mooncake's
/// `hash_ids`, 512-token blocks), renumbered densely from 0.
///
/// A block's hash covers every token before it too (Mooncake's traces and
/// vLLM's prefix-cache keys are chained hashes), so two requests whose chains
/// agree on the first k hashes share their first k blocks of prompt.
public struct BlockHashes: Sendable, Equatable {
  /// Prompt tokens per hashed block.
  public var blockTokens: Int
  /// Request i's hashes are `ids[starts[i] ..< starts[i + 1]]`.
  public var starts: [Int]
  public var ids: [Int32]
  /// Distinct hashes (ids are below this).
  public var distinct: Int

  public init(blockTokens: Int, starts: [Int] = [0], ids: [Int32] = [], distinct: Int = 0) {
    self.blockTokens = blockTokens
    self.starts = starts
    self.ids = ids
    self.distinct = distinct
  }

  /// Requests described.
  public var count: Int { starts.count - 1 }

  /// The positions in `ids` of request `index`'s chain (empty past the end).
  @inline(__always)
  public func chain(_ index: Int) -> Range<Int> {
    index + 1 < starts.count ? starts[index]..<starts[index + 1] : 0..<0
  }

  /// Appends one request's chain of dense ids.
  public mutating func append<C: Collection>(_ chain: C) where C.Element == Int32 {
    ids.append(contentsOf: chain)
    starts.append(ids.count)
  }
}
