/// One planning choice made by servesim's figures and judged by the measured
/// ones: what a user who trusted servesim would have deployed, and what it
/// would have delivered.
///
/// A choice (`ValidationRow.choice`) is a set of configurations the source
/// measured for one model, GPU, engine, precision and request lengths
/// (InferenceMAX: every parallelism and concurrency it swept; TensorRT-LLM's
/// online table: every offered rate). Under a latency objective, the
/// planner deploys the configuration with the most output tokens per second
/// per device among those that meet it: servesim's pick is that
/// configuration by its predicted figures, the measured best by the
/// measured ones. Each configuration's figures are the medians over its
/// runs: TTFT p50 (else mean), TPOT p50 (else mean, else ITL mean) and
/// output throughput over the devices it used. A configuration servesim
/// could not run is never its pick but can be the measured best.
public struct ValidationDecision: Sendable, Equatable {
  /// A configuration's median TTFT and TPOT (ms) and output tokens per
  /// second per device.
  public struct Figures: Sendable, Equatable {
    public var ttftMs: Double
    public var tpotMs: Double
    public var tokPerSPerDevice: Double

    public init(ttftMs: Double, tpotMs: Double, tokPerSPerDevice: Double) {
      self.ttftMs = ttftMs
      self.tpotMs = tpotMs
      self.tokPerSPerDevice = tokPerSPerDevice
    }
  }

  /// One configuration of a choice, with its measured figures and servesim's
  /// (nil: servesim could not run it).
  public struct Option: Sendable, Equatable {
    public var configuration: String
    public var measured: Figures
    public var predicted: Figures?

    public init(configuration: String, measured: Figures, predicted: Figures?) {
      self.configuration = configuration
      self.measured = measured
      self.predicted = predicted
    }
  }

  public var suite: String
  public var choice: String
  /// The objective, on medians (`percentile` 50), with the headroom
  /// servesim picks with: its pick meets the bounds (`ttftBoundMs`,
  /// `tpotBoundMs`) by its predicted figures and is judged against the
  /// targets themselves, as a plan with `slo.headroom` is run.
  public var slo: ServiceLevel
  /// The configurations chosen among.
  public var options: Int
  /// servesim's pick (nil: no configuration meets the objective by its figures).
  public var pick: Option?
  /// The measured best (nil: no configuration meets the objective as measured).
  public var best: Option?

  /// The objectives `servesim validate` judges choices under (median TTFT
  /// and TPOT, ms): the two the fidelity issue judged the planner by (2 s
  /// and 50 ms, 1 s and 30 ms) and a tighter interactive one (0.5 s, 20 ms).
  public static let objectives: [(ttftMs: Double, tpotMs: Double)] = [(2000, 50), (1000, 30), (500, 20)]
  /// The headrooms it picks each with (`ServiceLevel.headroom`).
  public static let headrooms = [0.0, 0.1, 0.2]

  /// Whether servesim's pick meets the objective as measured (nil: no pick).
  public var pickMeetsSLO: Bool? {
    pick.map { $0.measured.ttftMs <= slo.ttftMs && $0.measured.tpotMs <= slo.tpotMs }
  }

  /// How far servesim's pick misses the objective as measured: the larger
  /// of its measured TTFT and TPOT over the objective's, less 1 (0.1: 10%
  /// over); nil unless the pick breaks the objective.
  public var overshoot: Double? {
    guard pickMeetsSLO == false, let pick else { return nil }
    return max(pick.measured.ttftMs / slo.ttftMs, pick.measured.tpotMs / slo.tpotMs) - 1
  }

  /// What deploying servesim's pick gives up against the measured best:
  /// 1 − its measured tokens per second per device over the best's (0: the
  /// best itself or as good); nil unless the pick meets the objective.
  public var shortfall: Double? {
    guard pickMeetsSLO == true, let pick, let best, best.measured.tokPerSPerDevice > 0 else { return nil }
    return max(0, 1 - pick.measured.tokPerSPerDevice / best.measured.tokPerSPerDevice)
  }

  /// The decisions of every choice in `rows` with at least two
  /// configurations, under each objective and headroom, ordered by suite,
  /// choice, objective and headroom.
  public static func of(
    _ rows: [ValidationRow], objectives: [(ttftMs: Double, tpotMs: Double)] = objectives,
    headrooms: [Double] = headrooms
  ) -> [ValidationDecision] {
    var byChoice = [String: [String: [ValidationRow]]]()
    for row in rows where row.metric != .kernelUs {
      guard let choice = row.choice else { continue }
      byChoice["\(row.suite)\t\(choice)", default: [:]][row.configuration, default: []].append(row)
    }
    var decisions = [ValidationDecision]()
    for key in byChoice.keys.sorted() {
      guard let configurations = byChoice[key], let first = configurations.values.first?.first,
        let choice = first.choice
      else { continue }
      let options = configurations.keys.sorted().compactMap { option($0, configurations[$0] ?? []) }
      guard options.count > 1 else { continue }
      for objective in objectives {
        let measured = best(options, ttftMs: objective.ttftMs, tpotMs: objective.tpotMs, by: { $0.measured })
        for headroom in headrooms {
          let slo = ServiceLevel(
            ttftMs: objective.ttftMs, tpotMs: objective.tpotMs, percentile: 50, headroom: headroom)
          decisions.append(
            ValidationDecision(
              suite: first.suite, choice: choice, slo: slo, options: options.count,
              pick: best(options, ttftMs: slo.ttftBoundMs, tpotMs: slo.tpotBoundMs, by: \.predicted),
              best: measured))
        }
      }
    }
    return decisions
  }

  /// The option with the most tokens per second per device among those
  /// whose `figures` are within the bounds (ms; the first in configuration
  /// order on a tie).
  static func best(_ options: [Option], ttftMs: Double, tpotMs: Double, by figures: (Option) -> Figures?)
    -> Option?
  {
    var chosen: (option: Option, tok: Double)?
    for option in options {
      guard let f = figures(option), f.ttftMs <= ttftMs, f.tpotMs <= tpotMs else { continue }
      if chosen.map({ f.tokPerSPerDevice > $0.tok }) ?? true { chosen = (option, f.tokPerSPerDevice) }
    }
    return chosen?.option
  }

  /// The metrics a choice is judged by, in order of preference per figure.
  static let ttftMetrics: [ValidationMetric] = [.ttftP50Ms, .ttftMeanMs]
  static let tpotMetrics: [ValidationMetric] = [.tpotP50Ms, .tpotMeanMs, .itlMeanMs]

  /// A configuration's option from its runs' rows (nil: a figure not measured).
  static func option(_ configuration: String, _ rows: [ValidationRow]) -> Option? {
    func median(_ metrics: [ValidationMetric], predicted: Bool) -> Double? {
      for metric in metrics {
        let values = rows.filter { $0.metric == metric && $0.measured > 0 }
          .compactMap { predicted ? $0.predicted.flatMap { $0.isFinite ? $0 : nil } : $0.measured }
        if let m = Percentile.of(sorted: values.sorted(), 50) { return m }
        // A figure measured but not predicted: servesim could not run it.
        if predicted && rows.contains(where: { $0.metric == metric && $0.measured > 0 }) { return nil }
      }
      return nil
    }
    let devices = Double(max(rows.first?.devices ?? 1, 1))
    func figures(predicted: Bool) -> Figures? {
      guard let ttft = median(ttftMetrics, predicted: predicted),
        let tpot = median(tpotMetrics, predicted: predicted),
        let tok = median([.outputTokPerS], predicted: predicted)
      else { return nil }
      return Figures(ttftMs: ttft, tpotMs: tpot, tokPerSPerDevice: tok / devices)
    }
    guard let measured = figures(predicted: false) else { return nil }
    return Option(configuration: configuration, measured: measured, predicted: figures(predicted: true))
  }
}
