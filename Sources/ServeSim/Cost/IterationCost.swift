/// The time and work of one iteration of one replica, split so that each
/// pipeline stage's share can be read off without allocating.
public struct IterationCost: Sendable, Equatable {
  /// Time of one decoder layer with a dense MLP (projections, MLP, attention,
  /// collectives), in seconds.
  public var perLayer: Double
  /// Time of one decoder layer with an MoE block, in seconds (MoE models).
  public var perMoELayer: Double = 0
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
  /// Device time of the whole iteration (every layer, embedding, sampling; CPU
  /// overhead left out) split by the source that priced it, in seconds.
  public var sources = SourceSeconds()

  /// Time of the whole iteration with every layer on one stage, in seconds.
  public func seconds(layers: Int, moeLayers: Int = 0) -> Double {
    Double(layers - moeLayers) * perLayer + Double(moeLayers) * perMoELayer + head + tail
  }

  /// Time of stage `stage` of `stages`, holding `layers` layers of which
  /// `moeLayers` have MoE blocks, in seconds.
  public func stageSeconds(stage: Int, of stages: Int, layers: Int, moeLayers: Int = 0) -> Double {
    Double(layers - moeLayers) * perLayer + Double(moeLayers) * perMoELayer
      + (stage == 0 ? head : 0) + (stage == stages - 1 ? tail : 0)
  }
}
