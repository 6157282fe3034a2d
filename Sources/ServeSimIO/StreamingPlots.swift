import ServeSim

/// The over-time plots of a streaming simulation, gathered in fixed memory as
/// requests and iterations go by: 512 time bins whose width doubles (pairs
/// merge) whenever a later time arrives, so that any run fits (`TimeBins`,
/// doubling layout).
///
/// Each bin holds totals (tokens, request-seconds queued and running, KV-use
/// samples), so the charts show per-bin rates and means; a kept run's queue
/// chart shows each bin's peak instead.
struct StreamingPlots {
  static let fineBins = 512
  /// The bins: width starts at 1 ms.
  private var bins = TimeBins(layout: .doubling, count: fineBins, width: 1e-3)
  private let output: Int
  private let prompt: Int
  /// Request-seconds queued and running in each bin.
  private let queued: Int
  private let running: Int
  /// Per replica, Σ KV blocks in use and samples of the stage-0 iterations
  /// starting in each bin.
  private var kvSums: [Int] = []
  private var kvCounts: [Int] = []

  init() {
    output = bins.addSeries(.total)
    prompt = bins.addSeries(.total)
    queued = bins.addSeries(.total)
    running = bins.addSeries(.total)
  }

  /// Bin width, in seconds.
  var width: Double { bins.width }
  /// The latest time seen, in seconds.
  var end: Double { bins.end }

  mutating func add(_ r: RequestRecord) {
    guard r.status == .finished, r.firstToken >= 0, r.firstScheduled >= 0 else { return }
    // The first token at its time, the rest spread evenly until completion.
    bins.spread(1, from: r.firstToken, to: r.firstToken, into: output)
    if r.outputTokens > 1 {
      bins.spread(Double(r.outputTokens - 1), from: r.firstToken, to: r.completion, into: output)
    }
    bins.spread(r.firstScheduled - r.arrival, from: r.arrival, to: r.firstScheduled, into: queued)
    bins.spread(r.completion - r.firstScheduled, from: r.firstScheduled, to: r.completion, into: running)
  }

  mutating func add(_ it: IterationRecord) {
    guard it.stage == 0 else { return }
    bins.cover(it.start + it.duration)
    bins.add(Double(it.prefillTokens), at: it.start, to: prompt)
    let line = Int(it.replica)
    while kvSums.count <= line {
      kvSums.append(bins.addSeries(.total))
      kvCounts.append(bins.addSeries(.total))
    }
    bins.add(Double(it.kvBlocksUsed), at: it.start, to: kvSums[line])
    bins.add(1, at: it.start, to: kvCounts[line])
  }

  /// The bins grouped so that about 60 cover the run.
  private func grouped(_ values: [Double]) -> [Double] { bins.grouped(values, target: PlotReports.bins) }

  /// The throughput, queue and KV-cache charts.
  func charts(plan: PlanSpec, memory: MemoryPlan) -> [(String, LineChart)] {
    let (size, _) = bins.grouping(target: PlotReports.bins)
    let w = width * Double(size)
    func series(_ name: String, _ index: Int, steps: Bool = false) -> LineChart.Series {
      .init(
        name: name,
        points: self.grouped(bins.series[index]).enumerated().map {
          (x: (Double($0.offset) + 0.5) * w, y: $0.element / w)
        },
        steps: steps)
    }
    let throughput = LineChart(
      title: "Throughput over time (\(String(format: "%.3g", w)) s bins)", xLabel: "time (s)",
      yLabel: "tokens per second",
      series: [series("output tokens/s", output), series("prompt tokens/s", prompt)])
    let queue = LineChart(
      title: "Requests queued and running over time (mean per \(String(format: "%.3g", w)) s bin)",
      xLabel: "time (s)", yLabel: "requests",
      series: [series("queued (waiting for first schedule)", queued), series("running", running)])
    let stages = max(plan.parallelism.pipeline, 1)
    let pool = Double(max(memory.blocks / stages, 1))
    let replicas = kvSums.count
    let pooled = replicas > 8
    var lines = [LineChart.Series]()
    for line in 0..<(pooled ? 1 : replicas) {
      let members = pooled ? Array(0..<replicas) : [line]
      var sums = [Double](repeating: 0, count: Self.fineBins)
      var counts = [Double](repeating: 0, count: Self.fineBins)
      for m in members {
        for i in 0..<Self.fineBins {
          sums[i] += bins.series[kvSums[m]][i]
          counts[i] += bins.series[kvCounts[m]][i]
        }
      }
      let s = self.grouped(sums)
      let c = self.grouped(counts)
      lines.append(
        .init(
          name: pooled ? "mean of \(replicas) replicas" : "replica \(line)",
          points: s.indices.compactMap { g in
            c[g] > 0 ? ((Double(g) + 0.5) * w, s[g] / c[g] / pool * 100) : nil
          }))
    }
    let kv = LineChart(
      title: "KV-cache use over time (pool: \(memory.blocks / stages) blocks per replica)",
      xLabel: "time (s)", yLabel: "KV blocks in use (% of pool)", series: lines, yRange: 0...100)
    return [("throughput.svg", throughput), ("queue.svg", queue), ("kv-cache.svg", kv)]
  }
}
