/// The time and work of one iteration of one replica.
public struct IterationCost: Sendable, Equatable {
  /// Wall time of the iteration, in seconds (kernels, collectives and CPU overhead).
  public var seconds: Double
  /// Model FLOPs done by all devices of the replica.
  public var flops: Double
  /// Whether the iteration replayed a captured graph.
  public var graph: Bool
}

/// Prices iterations from a `CostModel`, memoising the token-proportional part
/// by token count so that a long simulation prices each batch size once.
///
/// Attention is priced from the batch's aggregate sums in O(1), so the memo
/// needs no key beyond the token count.
public struct IterationPricer: Sendable {
  public let cost: CostModel
  public let profile: EngineProfile
  private var memoSeconds: [[Double]]  // [eager, graph][tokens]
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
    memoSeconds = [[Double](repeating: -1, count: size), [Double](repeating: -1, count: size)]
    memoFlops = [Double](repeating: -1, count: size)
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

  /// The token-proportional time (all layers, embedding) and FLOPs for `tokens`.
  private mutating func dense(tokens: Int, graph: Bool) -> (Double, Double) {
    let mode: LaunchMode = graph ? .graph : .eager
    let run = graph ? Self.graphPadded(tokens) : tokens
    let slot = graph ? 1 : 0
    if run < memoFlops.count, memoSeconds[slot][run] >= 0 {
      return (memoSeconds[slot][run], memoFlops[run])
    }
    let layer = cost.denseLayer(tokens: Double(run), mode: mode)
    let embed = cost.embedding(tokens: Double(run), mode: mode)
    let seconds = layers * layer.seconds + embed.seconds
    let flops = (layers * layer.flops + embed.flops) * ranks
    if run < memoFlops.count {
      memoSeconds[slot][run] = seconds
      memoFlops[run] = flops
    }
    return (seconds, flops)
  }

  /// Prices one iteration.
  public mutating func price(_ shape: BatchShape) -> IterationCost {
    let graph = usesGraph(shape)
    let mode: LaunchMode = graph ? .graph : .eager
    let (denseSeconds, denseFlops) = dense(tokens: shape.tokens, graph: graph)
    let prefill = cost.attentionPrefill(shape, mode: mode)
    let decode = cost.attentionDecode(shape, mode: mode)
    let sampling = cost.sampling(sampled: Double(shape.sampledSequences), mode: mode)
    let cpu =
      (profile.iterationOverheadUs + profile.perSequenceOverheadUs * Double(shape.sequences))
      * 1e-6
    let seconds =
      denseSeconds + layers * (prefill.seconds + decode.seconds) + sampling.seconds + cpu
    let flops = denseFlops + (layers * (prefill.flops + decode.flops) + sampling.flops) * ranks
    return IterationCost(seconds: seconds, flops: flops, graph: graph)
  }
}
