import Foundation

/// One simulation of a plan at one arrival rate.
public struct Probe: Sendable, Equatable {
  /// Arrival rate, in requests per second.
  public var rate: Double
  /// Whether the plan met the SLO there and kept up with the arrivals.
  public var passed: Bool
  public var summary: Summary
  /// Most requests running, and most KV blocks in use, in one scheduler.
  public var peakRunning: Int
  public var peakUsedBlocks: Int
  /// Iterations whose token budget turned tokens away, and the most of the
  /// budget one iteration used (`SimulationResult.budgetDenials`).
  public var budgetDenials = 0
  public var peakBudgetUse = 0
}
