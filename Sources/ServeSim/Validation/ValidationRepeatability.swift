/// How far apart repeated measurements of one configuration lie, beside
/// servesim's error on the same figures: the part of the error that no
/// prediction from the described set-up could remove, and the part a better
/// model could.
///
/// A configuration measured in several runs (`ValidationRow.configuration`:
/// InferenceMAX re-runs each set-up on many days, on other nodes and engine
/// images) gives, for each metric, one figure per run. The spread of a
/// figure is |measured / the median of its configuration's runs − 1|; the
/// figures of configurations measured once are left out, and so is every
/// figure of a kernel table. Even a perfect replay of the described set-up
/// predicts one value per configuration, so its median |error| over these
/// figures cannot fall below about their median spread.
public struct ValidationRepeatability: Sendable, Equatable {
  /// The kind of figure.
  public var family: ValidationMetric.Family
  /// Configurations measured in more than one run, and their figures.
  public var configurations: Int
  public var figures: Int
  /// The median spread of those figures (0.05 = 5%).
  public var spread: Double?
  /// servesim's median |predicted / measured − 1| over the same figures
  /// (those it predicted).
  public var error: Double?

  /// The statistics of `rows` for `family`.
  public init(family: ValidationMetric.Family, rows: [ValidationRow]) {
    self.family = family
    var runs = [String: [ValidationRow]]()
    for row in rows where row.metric.family == family && row.measured > 0 {
      runs["\(row.suite)\t\(row.configuration)\t\(row.metric.rawValue)", default: []].append(row)
    }
    var spreads = [Double]()
    var errors = [Double]()
    var repeated = Set<String>()
    for group in runs.values where group.count > 1 {
      let sorted = group.map(\.measured).sorted()
      guard let median = Percentile.of(sorted: sorted, 50), median > 0 else { continue }
      repeated.insert("\(group[0].suite)\t\(group[0].configuration)")
      for row in group {
        spreads.append(abs(row.measured / median - 1))
        if let e = row.error { errors.append(abs(e)) }
      }
    }
    configurations = repeated.count
    figures = spreads.count
    spread = Percentile.of(sorted: spreads.sorted(), 50)
    error = Percentile.of(sorted: errors.sorted(), 50)
  }

  /// One line per served family (TPOT/ITL, TTFT, throughput) that has
  /// repeated figures.
  public static func of(_ rows: [ValidationRow]) -> [ValidationRepeatability] {
    [ValidationMetric.Family.interToken, .ttft, .throughput]
      .map { ValidationRepeatability(family: $0, rows: rows) }
      .filter { $0.figures > 0 }
  }
}
