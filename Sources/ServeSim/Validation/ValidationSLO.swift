/// A latency objective a planner chooses a configuration under: the median
/// time to first token and the median time per output token, in
/// milliseconds (`ValidationDecision`).
public struct ValidationSLO: Sendable, Hashable {
  /// Most median TTFT, in milliseconds.
  public var ttftMs: Double
  /// Most median time per output token (TPOT, else ITL), in milliseconds.
  public var tpotMs: Double

  public init(ttftMs: Double, tpotMs: Double) {
    self.ttftMs = ttftMs
    self.tpotMs = tpotMs
  }

  /// The objectives `servesim validate` judges choices under: the two the
  /// fidelity issue judged the planner by (TTFT 2 s and TPOT 50 ms, TTFT
  /// 1 s and TPOT 30 ms) and a tighter interactive one (0.5 s, 20 ms).
  public static let judged = [
    ValidationSLO(ttftMs: 2000, tpotMs: 50), ValidationSLO(ttftMs: 1000, tpotMs: 30),
    ValidationSLO(ttftMs: 500, tpotMs: 20),
  ]

  /// The headrooms `servesim validate` also picks with (`ValidationDecision.headroom`).
  public static let judgedHeadrooms = [0.0, 0.1, 0.2]

  /// The objective with `headroom` of each bound kept free (0.1: bounds at
  /// 90%), as a planner that allows for its own error picks with
  /// (`ServiceLevel.headroom`).
  public func tightened(by headroom: Double) -> ValidationSLO {
    ValidationSLO(ttftMs: ttftMs * (1 - headroom), tpotMs: tpotMs * (1 - headroom))
  }

  /// Whether a median TTFT and TPOT (ms) meet the objective.
  public func admits(ttftMs: Double, tpotMs: Double) -> Bool {
    ttftMs <= self.ttftMs && tpotMs <= self.tpotMs
  }
}
