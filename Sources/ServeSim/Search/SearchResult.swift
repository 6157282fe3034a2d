import Dispatch
import Synchronization

/// Everything a search concluded.
public struct SearchResult: Sendable {
  public var space: SearchSpace
  /// One outcome per enumerated plan, in enumeration order.
  public var outcomes: [SearchOutcome]
  /// Index of the best plan in `outcomes`.
  public var best: Int?
  /// Indices of the Pareto-optimal plans (capacity per device against the
  /// SLO percentile of TPOT at capacity), by increasing TPOT.
  public var pareto: [Int]
  /// Plans simulated by this run (not reused from saved outcomes).
  public var simulated = 0
}
