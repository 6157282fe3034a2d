/// A part of the validation suite by the kind of device and the features a
/// run used, and its median errors: the table the README shows, printed by
/// `servesim validate` below its groups.
public struct ValidationPart: Sendable, Equatable {
  /// The part's name, e.g. "NVIDIA Hopper / Ampere, no MTP or DP attention".
  public var name: String
  /// Served figures in the part, and those held out of every fit.
  public var figures: Int
  public var heldOutFigures: Int
  /// Median |predicted / measured − 1| of the part's TPOT/ITL, TTFT and
  /// output throughput figures, of all of them, and of the held-out ones
  /// (nil where the part has none).
  public var interToken: Double?
  public var ttft: Double?
  public var throughput: Double?
  public var all: Double?
  public var heldOut: Double?

  /// The statistics of `rows` (served figures; kernel rows are left out).
  public init(name: String, rows: [ValidationRow]) {
    let served = rows.filter { $0.metric.family != .kernel }
    self.name = name
    figures = served.count
    heldOutFigures = served.filter(\.heldOut).count
    func median(_ rows: [ValidationRow]) -> Double? {
      Percentile.of(sorted: rows.compactMap(\.error).map { abs($0) }.sorted(), 50)
    }
    interToken = median(served.filter { $0.metric.family == .interToken })
    ttft = median(served.filter { $0.metric.family == .ttft })
    throughput = median(served.filter { $0.metric.family == .throughput })
    all = median(served)
    heldOut = median(served.filter(\.heldOut))
  }

  /// The parts by device family and feature, in the order they are printed.
  static let names = [
    "NVIDIA Hopper / Ampere, no MTP or DP attention", "NVIDIA Hopper / Ampere, speculative (MTP)",
    "NVIDIA Hopper / Ampere, DP attention (DEP)", "NVIDIA Blackwell (B200, GB200)",
    "AMD Instinct (MI300X, MI325X, MI355X)", "llama.cpp on a host CPU",
    "Disaggregated prefill / decode, multi-node (any GPU)",
    "NVIDIA Blackwell Ultra (B300, GB300), nothing fitted",
  ]

  /// The part a served row belongs to (an index into `names`): the host
  /// (CPU) suites; disaggregated runs (multi-node Dynamo and SGLang PD
  /// deployments, on every GPU); AMD Instinct GPUs; NVIDIA Blackwell Ultra
  /// (B300, GB300: no figure of servesim is fitted on them, so their part
  /// tests the B200's calibration carried by the datasheet ratios);
  /// NVIDIA Blackwell (B and GB parts); and
  /// the other NVIDIA GPUs (Hopper, Ampere) split by speculative decoding
  /// and attention data parallelism, the features their rows were added for.
  static func part(of row: ValidationRow) -> Int {
    if row.engine == EngineKind.llamacpp.rawValue { return 5 }
    if row.disaggregated { return 6 }
    if row.gpu.hasPrefix("MI") { return 4 }
    if row.gpu.hasPrefix("B3") || row.gpu.hasPrefix("GB3") { return 7 }
    if row.gpu.hasPrefix("B") || row.gpu.hasPrefix("GB") { return 3 }
    if row.speculative { return 1 }
    if row.attentionData { return 2 }
    return 0
  }

  /// The parts of `rows` in `names`' order (those with rows), then each
  /// engine, then the whole suite.
  public static func parts(_ rows: [ValidationRow]) -> [ValidationPart] {
    let served = rows.filter { $0.metric.family != .kernel }
    var byPart = [[ValidationRow]](repeating: [], count: names.count)
    for row in served { byPart[part(of: row)].append(row) }
    var parts = zip(names, byPart).compactMap { name, rows in
      rows.isEmpty ? nil : ValidationPart(name: name, rows: rows)
    }
    for engine in EngineKind.allCases {
      let rows = served.filter { $0.engine == engine.rawValue }
      if !rows.isEmpty { parts.append(ValidationPart(name: "engine \(engine.rawValue)", rows: rows)) }
    }
    parts.append(ValidationPart(name: "all", rows: served))
    return parts
  }
}
