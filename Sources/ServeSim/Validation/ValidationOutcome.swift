/// What replaying one experiment gave.
public enum ValidationOutcome: Sendable, Equatable {
  /// One prediction per measured metric, in the experiment's order.
  case predicted([Double])
  /// The experiment could not run (it does not fit, every request was
  /// dropped, or its files could not be read): no predictions.
  case failed(String)
}
