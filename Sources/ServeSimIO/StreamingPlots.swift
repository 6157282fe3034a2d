import ServeSim

/// The over-time plots of a streaming simulation, gathered in fixed memory as
/// requests and iterations go by: 512 time bins whose width doubles (pairs
/// merge) whenever a later time arrives, so that any run fits.
///
/// Each bin holds totals (tokens, request-seconds queued and running, KV-use
/// samples), so the charts show per-bin rates and means; a kept run's queue
/// chart shows each bin's peak instead.
struct StreamingPlots {
  static let fineBins = 512
  /// Bin width, in seconds (starts at 1 ms).
  private(set) var width = 1e-3
  private var output = [Double](repeating: 0, count: fineBins)
  private var prompt = [Double](repeating: 0, count: fineBins)
  /// Request-seconds queued and running in each bin.
  private var queued = [Double](repeating: 0, count: fineBins)
  private var running = [Double](repeating: 0, count: fineBins)
  /// Σ KV blocks in use and samples of the stage-0 iterations starting in
  /// each bin, per replica.
  private var kvSums: [[Double]] = []
  private var kvCounts: [[Double]] = []
  /// The latest time seen, in seconds.
  private(set) var end = 0.0

  /// Widens the bins until `t` falls inside them.
  private mutating func cover(_ t: Double) {
    guard t.isFinite else { return }
    end = max(end, t)
    while t >= width * Double(Self.fineBins) {
      func merge(_ a: inout [Double]) {
        for i in 0..<(Self.fineBins / 2) { a[i] = a[2 * i] + a[2 * i + 1] }
        for i in (Self.fineBins / 2)..<Self.fineBins { a[i] = 0 }
      }
      merge(&output)
      merge(&prompt)
      merge(&queued)
      merge(&running)
      for line in kvSums.indices {
        merge(&kvSums[line])
        merge(&kvCounts[line])
      }
      width *= 2
    }
  }

  @inline(__always)
  private func bin(_ t: Double) -> Int { min(max(Int(t / width), 0), Self.fineBins - 1) }

  /// Adds `amount` spread evenly over [from, to) (all at `from` when empty).
  private mutating func spread(
    _ amount: Double, from a: Double, to b: Double, into series: WritableKeyPath<Self, [Double]>
  ) {
    cover(max(a, b))
    guard b > a else {
      self[keyPath: series][bin(a)] += amount
      return
    }
    var t = a
    while t < b {
      let k = bin(t)
      let binEnd = min(Double(k + 1) * width, b)
      if binEnd <= t { break }
      self[keyPath: series][k] += amount * (binEnd - t) / (b - a)
      t = binEnd
    }
  }

  mutating func add(_ r: RequestRecord) {
    guard r.status == .finished, r.firstToken >= 0, r.firstScheduled >= 0 else { return }
    // The first token at its time, the rest spread evenly until completion.
    spread(1, from: r.firstToken, to: r.firstToken, into: \.output)
    if r.outputTokens > 1 {
      spread(Double(r.outputTokens - 1), from: r.firstToken, to: r.completion, into: \.output)
    }
    spread(r.firstScheduled - r.arrival, from: r.arrival, to: r.firstScheduled, into: \.queued)
    spread(r.completion - r.firstScheduled, from: r.firstScheduled, to: r.completion, into: \.running)
  }

  mutating func add(_ it: IterationRecord) {
    guard it.stage == 0 else { return }
    cover(it.start + it.duration)
    let k = bin(it.start)
    prompt[k] += Double(it.prefillTokens)
    let line = Int(it.replica)
    while kvSums.count <= line {
      kvSums.append([Double](repeating: 0, count: Self.fineBins))
      kvCounts.append([Double](repeating: 0, count: Self.fineBins))
    }
    kvSums[line][k] += Double(it.kvBlocksUsed)
    kvCounts[line][k] += 1
  }

  /// The bins grouped so that about 60 cover the run: (group size, groups).
  private var grouping: (size: Int, count: Int) {
    let used = min(Self.fineBins, max(1, Int((end / width).rounded(.up))))
    let size = max(1, used / PlotReports.bins)
    return (size, (used + size - 1) / size)
  }

  private func grouped(_ values: [Double]) -> [Double] {
    let (size, count) = grouping
    return (0..<count).map { g in values[(g * size)..<min((g + 1) * size, Self.fineBins)].reduce(0, +) }
  }

  /// The throughput, queue and KV-cache charts.
  func charts(plan: PlanSpec, memory: MemoryPlan) -> [(String, LineChart)] {
    let (size, _) = grouping
    let w = width * Double(size)
    func series(_ name: String, _ values: [Double], steps: Bool = false) -> LineChart.Series {
      .init(
        name: name,
        points: self.grouped(values).enumerated().map {
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
          sums[i] += kvSums[m][i]
          counts[i] += kvCounts[m][i]
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
