/// Why a simulation could not run.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The plan's inputs contradict each other.
  case invalidPlan([PlanIssue])
  /// The model does not fit in the devices' memory.
  case doesNotFit(FitReport)
  /// A simulation invariant broke (checked under `checkInvariants`).
  case invariantViolated(String)

  public var description: String {
    switch self {
    case .invalidPlan(let issues): issues.map(\.description).joined(separator: "\n")
    case .doesNotFit(let report): report.description
    case .invariantViolated(let what): "simulation invariant violated: \(what)"
    }
  }
}
