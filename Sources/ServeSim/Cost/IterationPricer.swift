/// The time and work of one iteration of one replica, split so that each
/// pipeline stage's share can be read off without allocating.
public struct IterationCost: Sendable, Equatable {
  /// Time of one decoder layer (projections, MLP, attention, collectives), in seconds.
  public var perLayer: Double
  /// Time before the first layer: CPU overhead (scheduling, input preparation)
  /// and the embedding, in seconds (on the first stage).
  public var head: Double
  /// Time after the last layer: final norm, LM head, logits gather, sampling,
  /// in seconds (on the last stage).
  public var tail: Double
  /// Model FLOPs done by all devices of the replica.
  public var flops: Double
  /// Whether the iteration replayed a captured graph.
  public var graph: Bool

  /// Time of the whole iteration with every layer on one stage, in seconds.
  public func seconds(layers: Int) -> Double { Double(layers) * perLayer + head + tail }

  /// Time of stage `stage` of `stages`, holding `layers` layers, in seconds.
  public func stageSeconds(stage: Int, of stages: Int, layers: Int) -> Double {
    Double(layers) * perLayer + (stage == 0 ? head : 0) + (stage == stages - 1 ? tail : 0)
  }
}

/// Prices iterations from a `CostModel`, memoising the token-proportional part
/// by token count so that a long simulation prices each batch size once.
///
/// Attention is priced from the batch's aggregate sums in O(1), so the memo
/// needs no key beyond the token count.
public struct IterationPricer: Sendable {
  public let cost: CostModel
  public let profile: EngineProfile
  /// Memo of (per-layer seconds, embedding seconds, FLOPs of all layers and the
  /// embedding on one rank), by [eager, graph] and token count; -1 when unset.
  private var memoLayer: [[Double]]
  private var memoEmbed: [[Double]]
  private var memoFlops: [Double]
  private let layers: Double
  private let ranks: Double

  /// - Parameters:
  ///   - cost: the replica's cost model.
  ///   - profile: the engine (graphs, CPU overheads).
  ///   - maxTokens: the largest token count to memoise (larger batches are priced
  ///     directly).
  public init(cost: CostModel, profile: EngineProfile, maxTokens: Int) {
    self.cost = cost
    self.profile = profile
    let size = max(maxTokens, 1) + 1
    let empty = [Double](repeating: -1, count: size)
    memoLayer = [empty, empty]
    memoEmbed = [empty, empty]
    memoFlops = empty
    layers = Double(cost.model.costedLayers)
    ranks = Double(cost.tensor)
  }

  /// The batch size a captured graph runs for `tokens` tokens: vLLM pads to the
  /// next capture size ([1, 2, 4] then multiples of 8 up to 256, then of 16).
  public static func graphPadded(_ tokens: Int) -> Int {
    if tokens <= 2 { return tokens }
    if tokens <= 4 { return 4 }
    if tokens <= 256 { return (tokens + 7) / 8 * 8 }
    return (tokens + 15) / 16 * 16
  }

  /// Whether an iteration of this shape replays a captured graph: vLLM V1 runs
  /// piecewise CUDA graphs for batches up to the largest capture size.
  public func usesGraph(_ shape: BatchShape) -> Bool {
    profile.graphsForDecode && shape.tokens <= profile.graphMaxBatch
  }

  /// The token-proportional time of one layer and of the embedding, and the
  /// FLOPs of all layers and the embedding on one rank, for `tokens`.
  private mutating func dense(tokens: Int, graph: Bool) -> (layer: Double, embed: Double, flops: Double) {
    let mode: LaunchMode = graph ? .graph : .eager
    let run = graph ? Self.graphPadded(tokens) : tokens
    let slot = graph ? 1 : 0
    if run < memoFlops.count, memoLayer[slot][run] >= 0 {
      return (memoLayer[slot][run], memoEmbed[slot][run], memoFlops[run])
    }
    let layer = cost.denseLayer(tokens: Double(run), mode: mode)
    let embed = cost.embedding(tokens: Double(run), mode: mode)
    let flops = layers * layer.flops + embed.flops
    if run < memoFlops.count {
      memoLayer[slot][run] = layer.seconds
      memoEmbed[slot][run] = embed.seconds
      memoFlops[run] = flops
    }
    return (layer.seconds, embed.seconds, flops)
  }

  /// Prices one iteration.
  public mutating func price(_ shape: BatchShape) -> IterationCost {
    let graph = usesGraph(shape)
    let mode: LaunchMode = graph ? .graph : .eager
    let d = dense(tokens: shape.tokens, graph: graph)
    let prefill = cost.attentionPrefill(shape, mode: mode)
    let decode = cost.attentionDecode(shape, mode: mode)
    let sampling = cost.sampling(sampled: Double(shape.sampledSequences), mode: mode)
    let cpu =
      (profile.iterationOverheadUs + profile.perSequenceOverheadUs * Double(shape.sequences))
      * 1e-6
    let flops = (d.flops + layers * (prefill.flops + decode.flops) + sampling.flops) * ranks
    return IterationCost(
      perLayer: d.layer + prefill.seconds + decode.seconds, head: cpu + d.embed,
      tail: sampling.seconds, flops: flops, graph: graph)
  }
}
