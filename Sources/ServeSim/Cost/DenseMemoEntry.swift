/// One token count's memoised token-proportional prices
/// (`IterationPricer.dense`), in one launch mode.
struct DenseMemoEntry: Sendable {
  /// One dense layer's token-proportional seconds (< 0: not priced yet).
  var layer: Double
  /// One MoE layer's token-proportional seconds.
  var moe: Double
  /// The embedding's seconds.
  var embed: Double
  /// FLOPs of all layers and the embedding on one rank.
  var flops: Double
  /// Where the seconds of all layers and the embedding came from.
  var sources: SourceSeconds

  /// A token count not priced yet.
  static let unset = DenseMemoEntry(layer: -1, moe: -1, embed: -1, flops: -1, sources: SourceSeconds())
}
