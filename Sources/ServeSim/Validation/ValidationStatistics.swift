/// Error statistics of a set of validation rows: how many, how many failed,
/// and the median relative error, absolute and signed (0.25 = 25%).
public struct ValidationStatistics: Sendable, Equatable {
  /// The group's key: suite, engine, GPU and metric ("" where it spans all).
  public var suite: String
  public var engine: String
  public var gpu: String
  public var metric: String
  /// Rows in the group, and those without a prediction.
  public var count: Int
  public var failed: Int
  /// Median of |predicted / measured − 1| and of predicted / measured − 1
  /// over the rows with a prediction (nil when none has one).
  public var medianAbsError: Double?
  public var medianError: Double?

  /// Statistics of `rows` under the given key.
  public init(
    _ rows: [ValidationRow], suite: String = "", engine: String = "", gpu: String = "", metric: String = ""
  ) {
    self.suite = suite
    self.engine = engine
    self.gpu = gpu
    self.metric = metric
    count = rows.count
    let errors = rows.compactMap(\.error)
    failed = rows.count - errors.count
    medianAbsError = Percentile.of(sorted: errors.map { abs($0) }.sorted(), 50)
    medianError = Percentile.of(sorted: errors.sorted(), 50)
  }

  /// One group per suite, engine, GPU and metric, sorted by those keys.
  public static func byGroup(_ rows: [ValidationRow]) -> [ValidationStatistics] {
    var groups = [String: [ValidationRow]]()
    var keys = [String: (String, String, String, ValidationMetric)]()
    for row in rows {
      let key = "\(row.suite)\t\(row.engine)\t\(row.gpu)\t\(row.metric.rawValue)"
      groups[key, default: []].append(row)
      keys[key] = (row.suite, row.engine, row.gpu, row.metric)
    }
    let sorted = keys.sorted { a, b in
      let (x, y) = (a.value, b.value)
      if x.0 != y.0 { return x.0 < y.0 }
      if x.1 != y.1 { return x.1 < y.1 }
      if x.2 != y.2 { return x.2 < y.2 }
      return x.3 < y.3
    }
    return sorted.map { key, k in
      ValidationStatistics(groups[key] ?? [], suite: k.0, engine: k.1, gpu: k.2, metric: k.3.rawValue)
    }
  }
}
