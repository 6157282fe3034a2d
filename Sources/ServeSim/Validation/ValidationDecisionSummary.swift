/// How servesim's planning choices fared under one objective
/// (`ValidationDecision`): how often its pick was the measured best, how
/// often it broke the objective in reality, and what the picks that met it
/// gave up.
public struct ValidationDecisionSummary: Sendable, Equatable {
  /// The objective and the headroom servesim picked with
  /// (`ValidationDecision.slo`).
  public var slo: ServiceLevel
  /// Choices where servesim or the measurements found a configuration that
  /// meets the objective.
  public var choices: Int
  /// Picks that were the measured best.
  public var samePick: Int
  /// Picks that break the objective as measured.
  public var breaks: Int
  /// Choices where servesim found nothing that meets the objective and the
  /// measurements did.
  public var noneFound: Int
  /// Choices where servesim picked a configuration and the measurements
  /// found none that meets the objective (counted in `breaks` too).
  public var noneMeasured: Int
  /// The median overshoot (`ValidationDecision.overshoot`) of the picks
  /// that break the objective (nil: none does).
  public var medianOvershoot: Double?
  /// The mean and largest shortfall (`ValidationDecision.shortfall`) of
  /// the picks that meet the objective (nil: none does): what a planner
  /// trusting servesim gives up, on average and at worst.
  public var meanShortfall: Double?
  public var worstShortfall: Double?

  /// The summary of `decisions` made under `slo` (with its headroom).
  public init(slo: ServiceLevel, decisions: [ValidationDecision]) {
    self.slo = slo
    let made = decisions.filter { $0.slo == slo && ($0.pick != nil || $0.best != nil) }
    choices = made.count
    samePick = made.filter { $0.pick != nil && $0.pick?.configuration == $0.best?.configuration }.count
    breaks = made.filter { $0.pickMeetsSLO == false }.count
    noneFound = made.filter { $0.pick == nil }.count
    noneMeasured = made.filter { $0.best == nil }.count
    medianOvershoot = Percentile.of(sorted: made.compactMap(\.overshoot).sorted(), 50)
    let shortfalls = made.compactMap(\.shortfall).sorted()
    meanShortfall = shortfalls.isEmpty ? nil : shortfalls.reduce(0, +) / Double(shortfalls.count)
    worstShortfall = shortfalls.last
  }

  /// One summary per objective and headroom `decisions` were made under,
  /// in the order they first appear (`ValidationDecision.of`: objective,
  /// then headroom).
  public static func of(_ decisions: [ValidationDecision]) -> [ValidationDecisionSummary] {
    var slos = [ServiceLevel]()
    for d in decisions where !slos.contains(d.slo) { slos.append(d.slo) }
    return slos.map { ValidationDecisionSummary(slo: $0, decisions: decisions) }.filter { $0.choices > 0 }
  }
}
