/// How requests arrive.
public enum ArrivalProcess: Sendable, Equatable {
  /// Exponential inter-arrival times at `rate` requests per second.
  case poisson(rate: Double)
  /// Gamma inter-arrival times with mean 1/`rate` seconds and coefficient of
  /// variation `cv` (cv 1 is Poisson; above 1 is burstier).
  case gamma(rate: Double, cv: Double)
  /// One request every 1/`rate` seconds.
  case constant(rate: Double)
  /// `concurrency` clients, each sending its next request when its last one
  /// completes (after `thinkTime` seconds).
  case closed(concurrency: Int, thinkTime: Double)
  /// All requests at time zero.
  case offline
  /// Arrival times replayed from a trace.
  case trace
}
