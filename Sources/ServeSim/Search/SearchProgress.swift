import Dispatch
import Synchronization

/// Progress of a search, for a progress bar.
public struct SearchProgress: Sendable, Equatable {
  public var total: Int
  public var done: Int
  public var evaluated: Int
  public var infeasible: Int
  public var pruned: Int
  /// The best plan so far and its objective value.
  public var best: String?
  public var bestValue: Double?
}
