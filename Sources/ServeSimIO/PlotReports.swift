import Foundation
import ServeSim

/// The plots of a simulation, as SVG charts.
public enum PlotReports {
  /// Points kept per curve at most (curves are resampled, not truncated).
  static let maxPoints = 400
  /// Time bins of the over-time charts.
  static let bins = 60

  /// The latency CDF plots: file, short and long name, and request field.
  static var latencies: [(file: String, short: String, long: String, metric: KeyPath<RequestRecord, Double?>)]
  {
    [
      ("ttft-cdf.svg", "TTFT", "time to first token", \.ttft),
      ("tpot-cdf.svg", "TPOT", "time per output token after the first", \.tpot),
      ("e2e-cdf.svg", "E2E", "end-to-end latency", \.e2e),
    ]
  }

  /// File name and chart of every plot, in report order.
  public static func charts(_ result: SimulationResult) -> [(String, LineChart)] {
    latencies.map { ($0.file, cdf(result, $0.short, $0.long, $0.metric)) } + [
      ("throughput.svg", throughput(result)),
      ("queue.svg", queue(result)),
      ("kv-cache.svg", kvCache(result)),
    ]
  }

  /// The empirical CDF of a latency over completed requests, in milliseconds,
  /// with p50, p90 and p99 marked.
  static func cdf(
    _ result: SimulationResult, _ short: String, _ long: String, _ metric: KeyPath<RequestRecord, Double?>
  ) -> LineChart {
    var values = [Double]()
    values.reserveCapacity(result.requests.count)
    for r in result.requests where r.status == .finished {
      if let v = r[keyPath: metric], v.isFinite { values.append(v * 1000) }
    }
    values.sort()
    return cdf(sortedMs: values, short, long)
  }

  /// The CDF of latency samples (seconds) gathered by a streaming run: the
  /// same chart as from the requests while the samples are exact, else drawn
  /// from the histogram's buckets.
  static func cdf(_ samples: LatencySamples, _ short: String, _ long: String) -> LineChart {
    guard let histogram = samples.histogram else {
      return cdf(sortedMs: samples.exact.filter(\.isFinite).map { $0 * 1000 }.sorted(), short, long)
    }
    let n = Double(histogram.total)
    var cumulative: UInt64 = 0
    var all = [(x: Double, y: Double)]()
    histogram.forEachBucket { value, count in
      cumulative += count
      all.append((value * 1000, Double(cumulative) / n))
    }
    var points = [(x: Double, y: Double)]()
    let stride = max(1, all.count / maxPoints)
    for (i, p) in all.enumerated() where i % stride == 0 || i == all.count - 1 { points.append(p) }
    let markers = [50.0, 90, 99].map { p in ((histogram.percentile(p) ?? 0) * 1000, p) }
    return chart(points: points, count: Int(histogram.total), markers: markers, short, long)
  }

  static func cdf(sortedMs values: [Double], _ short: String, _ long: String) -> LineChart {
    var points = [(x: Double, y: Double)]()
    if !values.isEmpty {
      let n = values.count
      let steps = min(n, maxPoints)
      for k in 0...steps {
        let i = min(n - 1, k * (n - 1) / max(steps, 1))
        points.append((values[i], Double(i + 1) / Double(n)))
      }
    }
    let markers =
      values.isEmpty ? [] : [50.0, 90, 99].map { p in (Percentile.of(sorted: values, p) ?? 0, p) }
    return chart(points: points, count: values.count, markers: markers, short, long)
  }

  static func chart(
    points: [(x: Double, y: Double)], count: Int, markers: [(Double, Double)], _ short: String, _ long: String
  ) -> LineChart {
    var chart = LineChart(
      title: "\(short) CDF: \(long) (\(count) requests)", xLabel: "\(short) (ms)",
      yLabel: "share of completed requests", series: [.init(name: short, points: points, steps: true)],
      yRange: 0...1)
    chart.legendBottomRight = true
    chart.markers = markers.map { v, p in
      (v, "p\(Int(p)) \(String(format: v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v)) ms")
    }
    return chart
  }

  /// The end of the simulated time: the last completion or iteration end, in seconds.
  static func horizon(_ result: SimulationResult) -> Double {
    var end = 0.0
    for r in result.requests where r.completion > end { end = r.completion }
    if let last = result.iterations.last { end = max(end, last.start + last.duration) }
    return end
  }

  /// Output and prompt tokens per second over time (time bins of 1/60 of the run).
  static func throughput(_ result: SimulationResult) -> LineChart {
    var bins = TimeBins(count: Self.bins, covering: horizon(result))
    let output = bins.addSeries(.total)
    let prompt = bins.addSeries(.total)
    for r in result.requests where r.status == .finished && r.firstToken >= 0 {
      // The first token at its time, the rest spread evenly until completion.
      bins.add(1, at: r.firstToken, to: output)
      if r.outputTokens > 1 {
        bins.spread(Double(r.outputTokens - 1), from: r.firstToken, to: r.completion, into: output)
      }
    }
    for it in result.iterations where it.stage == 0 {
      bins.add(Double(it.prefillTokens), at: it.start, to: prompt)
    }
    let width = bins.width
    func series(_ name: String, _ values: [Double]) -> LineChart.Series {
      .init(
        name: name,
        points: values.enumerated().map { (x: (Double($0.offset) + 0.5) * width, y: $0.element / width) })
    }
    return LineChart(
      title: "Throughput over time (\(String(format: "%.3g", width)) s bins)", xLabel: "time (s)",
      yLabel: "tokens per second",
      series: [
        series("output tokens/s", bins.series[output]), series("prompt tokens/s", bins.series[prompt]),
      ])
  }

  /// Queued and running requests over time (all replicas): every change when
  /// there are few, else each bin's peak counts (so peaks survive the resampling).
  static func queue(_ result: SimulationResult) -> LineChart {
    let steps = RequestCounts.steps(result.requests)
    var queued = [(x: Double, y: Double)]()
    var running = [(x: Double, y: Double)]()
    if steps.count <= 2 * maxPoints {
      for s in steps {
        queued.append((s.time, Double(s.queued)))
        running.append((s.time, Double(s.running)))
      }
    } else {
      var bins = TimeBins(count: maxPoints, covering: steps.last?.time ?? 1)
      let q = bins.addSeries(.peak)
      let r = bins.addSeries(.peak)
      for s in steps {
        bins.raise(to: Double(s.queued), at: s.time, in: q)
        bins.raise(to: Double(s.running), at: s.time, in: r)
      }
      for b in 0..<bins.count {
        queued.append((Double(b) * bins.width, bins.series[q][b]))
        running.append((Double(b) * bins.width, bins.series[r][b]))
      }
    }
    return LineChart(
      title: "Requests queued and running over time", xLabel: "time (s)", yLabel: "requests",
      series: [
        .init(name: "queued (waiting for first schedule)", points: queued, steps: true),
        .init(name: "running", points: running, steps: true),
      ])
  }

  /// KV-cache blocks in use as a share of the pool, per replica (stage 0),
  /// averaged over the iterations starting in each time bin.
  static func kvCache(_ result: SimulationResult) -> LineChart {
    var bins = TimeBins(count: Self.bins, covering: horizon(result))
    let stages = max(result.plan.parallelism.pipeline, 1)
    let pool = Double(max(result.memory.blocks / stages, 1))
    let replicas = Int(result.iterations.map(\.replica).max() ?? -1) + 1
    let grouped = replicas > 8
    let lines = grouped ? 1 : max(replicas, 1)
    // Per line, the sum of the shares (%) and the number of iterations.
    let sums = (0..<lines).map { _ in bins.addSeries(.total) }
    let counts = (0..<lines).map { _ in bins.addSeries(.total) }
    for it in result.iterations where it.stage == 0 {
      let line = grouped ? 0 : Int(it.replica)
      bins.add(Double(it.kvBlocksUsed) / pool * 100, at: it.start, to: sums[line])
      bins.add(1, at: it.start, to: counts[line])
    }
    let width = bins.width
    let series = (0..<lines).map { line in
      let (s, c) = (bins.series[sums[line]], bins.series[counts[line]])
      return LineChart.Series(
        name: grouped ? "mean of \(replicas) replicas" : "replica \(line)",
        points: (0..<bins.count).compactMap { b in
          c[b] > 0 ? ((Double(b) + 0.5) * width, s[b] / c[b]) : nil
        })
    }
    return LineChart(
      title: "KV-cache use over time (pool: \(result.memory.blocks / stages) blocks per replica)",
      xLabel: "time (s)", yLabel: "KV blocks in use (% of pool)", series: series, yRange: 0...100)
  }
}
