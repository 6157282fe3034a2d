import Foundation
import ServeSim

/// The whole report folder of a simulation: the CSV files, the SVG plots, a
/// small `index.html` that shows them, and optionally `trace.json`.
public enum ReportFiles {
  /// Every file of the report, name and bytes, in writing order.
  ///
  /// - Parameters:
  ///   - plots: write the SVG plots and `index.html`.
  ///   - trace: write the Chrome/Perfetto `trace.json`.
  ///   - iterations: write the iteration log, `iterations.csv`.
  public static func all(
    _ result: SimulationResult, summary: Summary, plots: Bool = true, trace: Bool, iterations: Bool = true
  ) -> [(String, [UInt8])] {
    var files: [(String, [UInt8])] = [
      ("summary.csv", Reports.summaryCSV(summary, result: result)),
      ("requests.csv", Reports.requestsCSV(result)),
    ]
    if iterations { files.append(("iterations.csv", Reports.iterationsCSV(result))) }
    if trace { files.append(("trace.json", PerfettoTrace.json(result))) }
    if plots {
      files += plotFiles(
        PlotReports.charts(result), summary: summary, result: result, trace: trace, iterations: iterations)
    }
    return files
  }

  /// The SVG files of `charts` and the `index.html` that shows them.
  static func plotFiles(
    _ charts: [(String, LineChart)], summary: Summary, result: SimulationResult, trace: Bool,
    iterations: Bool
  ) -> [(String, [UInt8])] {
    let html = index(summary, result: result, plots: charts.map(\.0), trace: trace, iterations: iterations)
    return charts.map { ($0.0, Array($0.1.svg().utf8)) } + [("index.html", Array(html.utf8))]
  }

  /// Writes `all(...)` into `directory` through temporary files and renames.
  ///
  /// - Returns: the paths written.
  public static func write(
    _ result: SimulationResult, summary: Summary, to directory: String, plots: Bool = true, trace: Bool,
    iterations: Bool = true
  ) throws -> [String] {
    try AtomicWriter.write(
      all(result, summary: summary, plots: plots, trace: trace, iterations: iterations), to: directory)
  }

  /// A one-page HTML report: the headline figures, the plots and links to the data.
  static func index(
    _ s: Summary, result: SimulationResult, plots: [String], trace: Bool, iterations: Bool = true
  ) -> String {
    func ms(_ v: Double) -> String { v.isFinite ? String(format: "%.1f ms", v) : "n/a" }
    func num(_ v: Double, _ d: Int) -> String { v.isFinite ? String(format: "%.\(d)f", v) : "n/a" }
    let rows: [(String, String)] = [
      ("requests (completed / dropped)", "\(s.requests) (\(s.completed) / \(s.dropped))"),
      ("duration", num(s.durationS, 2) + " s"),
      ("throughput", num(s.reqPerS, 2) + " req/s, " + num(s.outputTokPerS, 0) + " output tok/s"),
      (
        "TTFT mean / p50 / p90 / p99",
        [s.ttft.mean, s.ttft.p50, s.ttft.p90, s.ttft.p99].map(ms).joined(separator: " / ")
      ),
      (
        "TPOT mean / p50 / p90 / p99",
        [s.tpot.mean, s.tpot.p50, s.tpot.p90, s.tpot.p99].map(ms).joined(separator: " / ")
      ),
      (
        "E2E mean / p50 / p90 / p99",
        [s.e2e.mean, s.e2e.p50, s.e2e.p90, s.e2e.p99].map(ms).joined(separator: " / ")
      ),
      ("SLO attainment", num(s.sloAttainment * 100, 1) + " %"),
      ("KV-cache use (mean)", num(s.kvUtilMean * 100, 1) + " %"),
      ("MFU", num(s.mfu * 100, 1) + " %"),
      ("preemptions", "\(s.preemptions)"),
      ("devices", "\(s.devices) x \(result.plan.cluster.device.name)"),
    ]
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>servesim: \(XMLText.escaped(s.plan))</title>
      <style>body{font-family:Helvetica,Arial,sans-serif;max-width:1500px;margin:24px auto;padding:0 16px}
      table{border-collapse:collapse}td{padding:3px 12px;border-bottom:1px solid #eee}
      img{width:720px;max-width:100%;margin:6px}</style></head><body>
      <h1>servesim report: \(XMLText.escaped(s.plan))</h1>
      <p>Model \(XMLText.escaped(result.plan.model.name)), engine \(result.plan.release), \
      parallelism data \(result.plan.parallelism.data) x tensor \(result.plan.parallelism.tensor) \
      x pipeline \(result.plan.parallelism.pipeline), seed \(result.plan.seed). \
      Latencies in milliseconds; shares in percent.</p>
      <table>

      """
    for (name, value) in rows {
      html += "<tr><td>\(name)</td><td>\(XMLText.escaped(value))</td></tr>\n"
    }
    html += "</table>\n<h2>Plots</h2>\n<div>\n"
    for plot in plots { html += "<img src=\"\(plot)\" alt=\"\(plot)\">\n" }
    html += "</div>\n<h2>Data</h2>\n<ul>\n"
    var data = ["summary.csv", "requests.csv"]
    if iterations { data.append("iterations.csv") }
    if trace { data.append("trace.json") }
    for file in data { html += "<li><a href=\"\(file)\">\(file)</a></li>\n" }
    if trace {
      html += "</ul>\n<p>Open trace.json in <a href=\"https://ui.perfetto.dev\">Perfetto</a> "
      html += "(or chrome://tracing).</p>\n</body></html>\n"
    } else {
      html += "</ul>\n</body></html>\n"
    }
    return html
  }
}
