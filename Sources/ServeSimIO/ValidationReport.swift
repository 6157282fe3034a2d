import Foundation
import ServeSim

/// The reports of `servesim validate`: `validation.csv` (one row per measured
/// figure), `validation.svg` (predicted against measured) and the printed table.
public enum ValidationReport {
  /// The CSV: `suite,experiment,metric,measured,predicted,error,held_out,engine,gpu`,
  /// error = predicted / measured − 1; an experiment that could not run has
  /// empty `predicted` and `error`.
  public static func csv(_ rows: [ValidationRow]) -> [UInt8] {
    var b = CSVBuffer()
    b.text("suite,experiment,metric,measured,predicted,error,held_out,engine,gpu\n")
    for row in rows {
      for text in [row.suite, row.experiment, row.metric.rawValue] {
        b.field(text)
        b.comma()
      }
      b.fixed(row.measured, 4)
      b.comma()
      if let predicted = row.predicted { b.fixed(predicted, 4) }
      b.comma()
      if let error = row.error { b.fixed(error, 6) }
      b.comma()
      b.text(row.heldOut ? "true" : "false")
      b.comma()
      b.field(row.engine)
      b.comma()
      b.field(row.gpu)
      b.newline()
    }
    return b.bytes
  }

  /// Predicted against measured on log-log axes, one colour per engine, with y = x.
  public static func svg(_ rows: [ValidationRow]) -> String {
    let predicted = rows.filter { ($0.predicted ?? 0) > 0 && $0.measured > 0 }
    var series = [LineChart.Series]()
    // Serving engines in their declaration order, then kernel libraries by name.
    let known = EngineKind.allCases.map(\.rawValue)
    let engines = known + Set(rows.map(\.engine)).subtracting(known).sorted()
    for engine in engines {
      let points = predicted.filter { $0.engine == engine }.map { (x: $0.measured, y: $0.predicted ?? 0) }
      if !points.isEmpty {
        series.append(LineChart.Series(name: engine, points: points, dots: true))
      }
    }
    let values = predicted.flatMap { [$0.measured, $0.predicted ?? $0.measured] }
    if let low = values.min(), let high = values.max() {
      series.append(LineChart.Series(name: "y = x", points: [(low, low), (high, high)]))
    }
    var chart = LineChart(
      title: "servesim validate: predicted against measured",
      xLabel: "measured (ms, us or output tokens/s, log scale)",
      yLabel: "predicted (log scale)", series: series)
    chart.logAxes = true
    return chart.svg()
  }

  /// The printed table: per suite, engine, GPU and metric the rows, failed
  /// rows and median errors; then held out against the rest, for the served
  /// experiments and the kernel tables apart (their errors are of different
  /// things), and the skipped source rows by reason.
  public static func table(
    _ rows: [ValidationRow], skipped: [(suite: String, reason: String, rows: Int)]
  ) -> String {
    var groups = ValidationStatistics.byGroup(rows)
    let totalsFrom = groups.count
    let served = rows.filter { $0.metric != .kernelUs }
    let kernels = rows.filter { $0.metric == .kernelUs }
    for (part, prefix) in [(served, ""), (kernels, "kernels: ")] where !part.isEmpty {
      groups.append(ValidationStatistics(part.filter { !$0.heldOut }, suite: prefix + "calibration part"))
      groups.append(ValidationStatistics(part.filter(\.heldOut), suite: prefix + "held out"))
      groups.append(ValidationStatistics(part, suite: prefix + "all"))
    }
    let header = ["suite", "engine", "gpu", "metric", "rows", "failed", "med |err|", "med err"]
    var lines = groups.map { g -> [String] in
      [
        g.suite, g.engine, g.gpu, g.metric, "\(g.count)", "\(g.failed)", percent(g.medianAbsError),
        percent(g.medianError, signed: true),
      ]
    }
    lines.insert(header, at: 0)
    let widths = header.indices.map { c in lines.map { $0[c].count }.max() ?? 0 }
    var text = ""
    for (index, line) in lines.enumerated() {
      // The header is line 0: a blank line before the first total.
      if index == totalsFrom + 1 { text += "\n" }
      let cells = line.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return c >= 4 ? pad + cell : cell + pad
      }
      text += cells.joined(separator: "  ").replacingOccurrences(
        of: " +$", with: "", options: .regularExpression)
      text += "\n"
    }
    text += "\n"
    if !served.isEmpty || kernels.isEmpty {
      let experiments = Set(served.map { "\($0.suite)/\($0.experiment)" }).count
      var failures = [String: Set<String>]()
      for row in served {
        if let why = row.failure { failures[why, default: []].insert("\(row.suite)/\(row.experiment)") }
      }
      let failed = failures.values.reduce(0) { $0 + $1.count }
      text += "\(experiments) experiments (\(failed) could not run), \(served.count) measured figures\n"
      for (why, names) in failures.sorted(by: { $0.key < $1.key }) {
        text += "  could not run: \(why): \(names.count)\n"
      }
    }
    if !kernels.isEmpty {
      let unpriced = kernels.filter { $0.predicted == nil }.count
      text += "\(kernels.count) kernels priced by the cost model (\(unpriced) could not be priced)\n"
    }
    if !skipped.isEmpty {
      text += "skipped source rows (\(skipped.reduce(0) { $0 + $1.rows })):\n"
      for s in skipped { text += "  \(s.suite): \(s.reason): \(s.rows)\n" }
    }
    if !served.isEmpty { text += "\n" + parts(served) }
    let repeats = ValidationRepeatability.of(served)
    if !repeats.isEmpty { text += "\n" + repeatability(repeats) }
    let choices = ValidationDecisionSummary.of(ValidationDecision.of(served))
    if !choices.isEmpty { text += "\n" + decisions(choices) }
    return text
  }

  /// How servesim's planning choices fared (`ValidationDecisionSummary`).
  static func decisions(_ lines: [ValidationDecisionSummary]) -> String {
    let header = [
      "SLO (TTFT, TPOT p50)", "headroom", "choices", "same pick", "breaks SLO", "by (median)", "none found",
      "none measured",
      "mean shortfall", "worst",
    ]
    var rows = [header]
    for line in lines {
      rows.append([
        milliseconds(line.slo.ttftMs) + ", " + milliseconds(line.slo.tpotMs),
        String(format: "%.0f%%", line.slo.headroom * 100), "\(line.choices)",
        "\(line.samePick)", "\(line.breaks)", percent(line.medianOvershoot), "\(line.noneFound)",
        "\(line.noneMeasured)",
        percent(line.meanShortfall), percent(line.worstShortfall),
      ])
    }
    return "planning choices (per GPU, engine, precision, lengths and speculation: the parallelism and\n"
      + "concurrency or rate with the most output tok/s per device within the SLO, picked by servesim's\n"
      + "figures, with a headroom of each bound kept free, and judged by the measured ones against\n"
      + "the bounds; decisions.csv lists each):\n" + aligned(rows)
  }

  static func milliseconds(_ value: Double) -> String {
    value.rounded() == value ? "\(Int(value)) ms" : String(format: "%.1f ms", value)
  }

  /// `decisions.csv`: one line per choice and objective: servesim's pick and
  /// its measured figures, whether it meets the objective, the measured best
  /// and the shortfall (`ValidationDecision`); empty cells where there is
  /// no pick or no best.
  public static func decisionsCSV(_ decisions: [ValidationDecision]) -> [UInt8] {
    var b = CSVBuffer()
    b.text(
      "suite,choice,slo_ttft_ms,slo_tpot_ms,headroom,options,pick,pick_ttft_ms,pick_tpot_ms,"
        + "pick_tok_per_s_per_device,predicted_tok_per_s_per_device,pick_meets_slo,overshoot,best,"
        + "best_tok_per_s_per_device,shortfall\n")
    for d in decisions {
      b.field(d.suite)
      b.comma()
      b.field(d.choice)
      b.comma()
      b.fixed(d.slo.ttftMs, 1)
      b.comma()
      b.fixed(d.slo.tpotMs, 1)
      b.comma()
      b.fixed(d.slo.headroom, 2)
      b.comma()
      b.text("\(d.options)")
      b.comma()
      if let pick = d.pick {
        b.field(pick.configuration)
        for value in [pick.measured.ttftMs, pick.measured.tpotMs, pick.measured.tokPerSPerDevice] {
          b.comma()
          b.fixed(value, 4)
        }
        b.comma()
        if let predicted = pick.predicted { b.fixed(predicted.tokPerSPerDevice, 4) }
        b.comma()
        b.text(d.pickMeetsSLO == true ? "true" : "false")
        b.comma()
        if let overshoot = d.overshoot { b.fixed(overshoot, 6) }
      } else {
        b.text(",,,,,,")
      }
      b.comma()
      if let best = d.best {
        b.field(best.configuration)
        b.comma()
        b.fixed(best.measured.tokPerSPerDevice, 4)
      } else {
        b.comma()
      }
      b.comma()
      if let shortfall = d.shortfall { b.fixed(shortfall, 6) }
      b.newline()
    }
    return b.bytes
  }

  /// The run-to-run spread of configurations measured more than once beside
  /// servesim's median |error| on the same figures (`ValidationRepeatability`).
  static func repeatability(_ lines: [ValidationRepeatability]) -> String {
    let header = ["kind", "configurations", "figures", "spread", "servesim"]
    var rows = [header]
    for line in lines {
      let name =
        switch line.family {
        case .interToken: "TPOT/ITL"
        case .ttft: "TTFT"
        case .throughput: "tok/s"
        case .kernel: "kernel"
        }
      rows.append([
        name, "\(line.configurations)", "\(line.figures)", percent(line.spread), percent(line.error),
      ])
    }
    return "run-to-run spread (configurations measured in more than one run: median |figure / its\n"
      + "configuration's median - 1|) beside servesim's median |error| on the same figures:\n"
      + aligned(rows)
  }

  /// `rows` as text columns: the first left-aligned, the others right-aligned.
  static func aligned(_ rows: [[String]]) -> String {
    let widths = (rows.first ?? []).indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
    var text = ""
    for row in rows {
      let cells = row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return c >= 1 ? pad + cell : cell + pad
      }
      text += cells.joined(separator: "  ") + "\n"
    }
    return text
  }

  /// The median |error| by part of the suite (`ValidationPart`), by engine
  /// and over all served figures: TPOT/ITL, TTFT, output throughput, all
  /// figures and the held-out ones.
  static func parts(_ rows: [ValidationRow]) -> String {
    let header = ["part", "figures (held out)", "TPOT/ITL", "TTFT", "tok/s", "all", "held out"]
    var lines = [header]
    for part in ValidationPart.parts(rows) {
      lines.append([
        part.name, "\(part.figures) (\(part.heldOutFigures))", percent(part.interToken),
        percent(part.ttft), percent(part.throughput), percent(part.all), percent(part.heldOut),
      ])
    }
    return "median |error| by part of the suite:\n" + aligned(lines)
  }

  static func percent(_ value: Double?, signed: Bool = false) -> String {
    guard let value else { return "-" }
    return String(format: signed ? "%+.1f%%" : "%.1f%%", value * 100)
  }

  /// Writes `validation.csv`, `validation.svg` and `decisions.csv` (its
  /// header alone where the rows hold no planning choice) to `directory`,
  /// atomically.
  public static func write(_ rows: [ValidationRow], to directory: String) throws -> [String] {
    try AtomicWriter.write(
      [
        ("validation.csv", csv(rows)), ("validation.svg", Array(svg(rows).utf8)),
        ("decisions.csv", decisionsCSV(ValidationDecision.of(rows))),
      ], to: directory)
  }
}
