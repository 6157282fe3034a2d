/// Latency targets.
public struct ServiceLevel: Sendable, Equatable {
  /// Time to first token target, in milliseconds.
  public var ttftMs: Double
  /// Time per output token target, in milliseconds.
  public var tpotMs: Double
  /// The percentile the targets are judged at (reported; attainment is per request).
  public var percentile: Double
  /// The share of each target kept free for the simulation's own error
  /// (`slo.headroom`, 0 to 0.9): a request or a run meets the SLO when its
  /// figures are within (1 − headroom) × the targets. `servesim validate`
  /// shows what a headroom buys: the planning choices made with it break
  /// the SLO less often as measured (`ValidationDecision.slo`).
  public var headroom = 0.0

  public init(ttftMs: Double, tpotMs: Double, percentile: Double, headroom: Double = 0) {
    self.ttftMs = ttftMs
    self.tpotMs = tpotMs
    self.percentile = percentile
    self.headroom = headroom
  }

  /// The TTFT a request or a run must meet, in milliseconds: the target
  /// less its headroom.
  public var ttftBoundMs: Double { ttftMs * (1 - headroom) }
  /// The time per output token a request or a run must meet, in
  /// milliseconds: the target less its headroom.
  public var tpotBoundMs: Double { tpotMs * (1 - headroom) }
}
