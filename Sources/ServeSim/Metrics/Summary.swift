/// The one-row summary of a simulation, with the metric definitions of the
/// report contract (README "Metric definitions").
public struct Summary: Sendable, Equatable, Codable {
  public var plan: String
  public var requests: Int
  public var completed: Int
  public var dropped: Int
  /// Last completion minus first arrival, in seconds.
  public var durationS: Double
  public var reqPerS: Double
  public var inputTokPerS: Double
  public var outputTokPerS: Double
  /// Latency statistics in milliseconds: mean, p50, p90, p99.
  public var ttft: LatencyStats
  public var tpot: LatencyStats
  public var itl: LatencyStats
  public var e2e: LatencyStats
  public var queue: LatencyStats
  public var sloAttainment: Double
  public var goodputReqPerS: Double
  public var preemptions: Int
  /// Time-weighted mean share of KV blocks in use while busy (0...1).
  public var kvUtilMean: Double
  public var mfu: Double
  public var energyJPerOutputTok: Double
  public var usdPerMOutputTok: Double
  public var devices: Int
  /// Device-seconds the devices were busy.
  public var busyDeviceSeconds: Double
  public var iterations: Int
  /// Shares of the simulated device time priced from measurements, from the
  /// fitted model and from the datasheet roofline (0...1 each, summing to 1).
  public var timeShareMeasured: Double
  public var timeShareFitted: Double
  public var timeShareDatasheet: Double
  /// Busy share of all devices over the run (0...1): busy device-seconds over
  /// devices × duration.
  public var deviceUtilization: Double
  /// The same for the prefill and the decode pool (nil when not disaggregated).
  public var prefillPoolUtilization: Double?
  public var decodePoolUtilization: Double?
  /// Share of looked-up prompt tokens found in the prefix cache (nil when
  /// prefix caching is off or the workload has no shared prefixes).
  public var prefixHitRate: Double?

  /// Summarises a result that kept its requests.
  public init(_ result: SimulationResult) {
    var outcomes = RequestOutcomes(plan: result.plan)
    outcomes.reserveCapacity(result.requests.count)
    for r in result.requests { outcomes.add(r) }
    self.init(result, outcomes: outcomes)
  }

  /// Summarises a result from its requests' outcomes (gathered as a streaming
  /// simulation retired them, or from `result.requests`).
  public init(_ result: SimulationResult, outcomes: consuming RequestOutcomes) {
    let plan = result.plan
    self.plan = plan.name
    requests = outcomes.requests
    let inputTokens = outcomes.inputTokens
    let outputTokens = outcomes.outputTokens
    let meeting = outcomes.meeting
    let done = outcomes.completed
    completed = done
    dropped = outcomes.dropped
    preemptions = outcomes.preemptions
    let duration = done > 0 ? max(outcomes.lastCompletion - outcomes.firstArrival, 0) : 0
    durationS = duration
    let perSecond = duration > 0 ? 1 / duration : 0
    reqPerS = Double(done) * perSecond
    inputTokPerS = inputTokens * perSecond
    outputTokPerS = outputTokens * perSecond
    ttft = LatencyStats(&outcomes.ttfts)
    tpot = LatencyStats(&outcomes.tpots)
    e2e = LatencyStats(&outcomes.e2es)
    queue = LatencyStats(&outcomes.queues)
    itl = LatencyStats(result.itl)
    sloAttainment = requests > 0 ? Double(meeting) / Double(requests) : 0
    goodputReqPerS = Double(meeting) * perSecond
    devices = plan.devices
    func utilization(_ busy: Double, _ n: Int) -> Double {
      n > 0 && duration > 0 ? busy / (Double(n) * duration) : 0
    }
    deviceUtilization = utilization(result.busyDeviceSeconds, devices)
    // Only a workload that says which prompts share prefixes can hit.
    if plan.scheduler.prefixCaching
      && (plan.workload.sharedPrefix != nil || plan.workload.trace?.blockHashes != nil)
    {
      prefixHitRate =
        result.prefixLookupTokens > 0
        ? Double(result.prefixHitTokens) / Double(result.prefixLookupTokens) : 0
    }
    if result.poolDevices.count == 2 {
      prefillPoolUtilization = utilization(result.poolBusyDeviceSeconds[0], result.poolDevices[0])
      decodePoolUtilization = utilization(result.poolBusyDeviceSeconds[1], result.poolDevices[1])
    }
    iterations = result.totalIterations
    timeShareMeasured = result.costSources.share(.measured)
    timeShareFitted = result.costSources.share(.fitted)
    timeShareDatasheet = result.costSources.total > 0 ? result.costSources.share(.datasheet) : 1
    busyDeviceSeconds = result.busyDeviceSeconds
    kvUtilMean = result.inFlightSeconds > 0 ? result.kvUseSeconds / result.inFlightSeconds : 0
    let device = plan.cluster.device
    let peak =
      device.matmulMath(weights: plan.precision.weights, activations: plan.precision.activations)
      .flopsPerSecond
    mfu = duration > 0 ? result.totalFlops / (peak * Double(devices) * duration) : 0
    // Energy: per device, idle power plus (max − idle) × busy fraction,
    // integrated over the run.
    let idleJ = device.idlePowerW * Double(devices) * duration
    let dynamicJ = (device.maxPowerW - device.idlePowerW) * result.busyDeviceSeconds
    energyJPerOutputTok = outputTokens > 0 ? (idleJ + dynamicJ) / outputTokens : 0
    let usd = device.pricePerHourUSD * Double(devices) * duration / 3600
    usdPerMOutputTok = outputTokens > 0 ? usd / outputTokens * 1e6 : 0
  }
}

/// Mean and percentiles of a latency, in milliseconds (0 when there are no samples).
public struct LatencyStats: Sendable, Equatable, Codable {
  public var count: Int
  public var mean: Double
  public var p50: Double
  public var p90: Double
  public var p99: Double

  /// From samples in seconds.
  public init(seconds: [Double]) {
    var samples = seconds
    self.init(sorting: &samples)
  }

  /// From samples in seconds: exact ones are sorted in place (no copy:
  /// streaming summaries hold millions), folded ones read from their histogram.
  public init(_ samples: inout LatencySamples) {
    if let histogram = samples.histogram {
      self.init(
        count: samples.count, mean: samples.count > 0 ? samples.sum / Double(samples.count) * 1000 : 0,
        p50: (histogram.percentile(50) ?? 0) * 1000, p90: (histogram.percentile(90) ?? 0) * 1000,
        p99: (histogram.percentile(99) ?? 0) * 1000)
      return
    }
    var values = samples.exact
    samples = LatencySamples()
    self.init(sorting: &values)
  }

  init(count: Int, mean: Double, p50: Double, p90: Double, p99: Double) {
    (self.count, self.mean, self.p50, self.p90, self.p99) = (count, mean, p50, p90, p99)
  }

  /// From samples in seconds, sorting them in place.
  init(sorting samples: inout [Double]) {
    samples.sort()
    let sorted = samples
    count = sorted.count
    mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count) * 1000
    p50 = (Percentile.of(sorted: sorted, 50) ?? 0) * 1000
    p90 = (Percentile.of(sorted: sorted, 90) ?? 0) * 1000
    p99 = (Percentile.of(sorted: sorted, 99) ?? 0) * 1000
  }

  /// From weighted samples in seconds.
  public init(_ samples: WeightedSamples) {
    count = Int(samples.count)
    mean = (samples.mean ?? 0) * 1000
    let q = samples.percentiles([50, 90, 99])
    p50 = (q[0] ?? 0) * 1000
    p90 = (q[1] ?? 0) * 1000
    p99 = (q[2] ?? 0) * 1000
  }
}

/// What a summary needs of each request, gathered one request at a time: the
/// counts and token totals, and the latency samples of finished requests (in
/// seconds) for exact percentiles.
public struct RequestOutcomes: Sendable {
  public private(set) var requests = 0
  public private(set) var completed = 0
  public private(set) var dropped = 0
  public private(set) var preemptions = 0
  /// Finished requests that met both SLO targets.
  public private(set) var meeting = 0
  public private(set) var firstArrival = Double.infinity
  public private(set) var lastCompletion = 0.0
  /// Prompt and output tokens of finished requests.
  public private(set) var inputTokens = 0.0
  public private(set) var outputTokens = 0.0
  public internal(set) var ttfts: LatencySamples
  public internal(set) var tpots: LatencySamples
  public internal(set) var e2es: LatencySamples
  public internal(set) var queues: LatencySamples
  /// SLO targets, in seconds.
  let ttftTarget: Double
  let tpotTarget: Double
  /// Warm-up requests still to skip (the workload's first requests).
  var warmupLeft: Int

  /// - Parameter exactLimit: latency samples kept exactly per metric, beyond
  ///   which they are counted in a `LogHistogram` (streaming).
  public init(plan: PlanSpec, exactLimit: Int = .max) {
    ttftTarget = plan.slo.ttftMs / 1000
    tpotTarget = plan.slo.tpotMs / 1000
    warmupLeft = plan.workload.warmupRequests
    ttfts = LatencySamples(exactLimit: exactLimit)
    tpots = LatencySamples(exactLimit: exactLimit)
    e2es = LatencySamples(exactLimit: exactLimit)
    queues = LatencySamples(exactLimit: exactLimit)
  }

  mutating func reserveCapacity(_ count: Int) {
    ttfts.reserveCapacity(count)
    e2es.reserveCapacity(count)
  }

  /// Counts one request (in any order after the warm-up, which is the first
  /// `warmupRequests` requests added: add them in ID order; the same order
  /// gives the same sums).
  public mutating func add(_ r: RequestRecord) {
    if warmupLeft > 0 {
      warmupLeft -= 1
      return
    }
    requests += 1
    firstArrival = min(firstArrival, r.arrival)
    preemptions += Int(r.preemptions)
    if r.status == .dropped { dropped += 1 }
    guard r.status == .finished, let ttft = r.ttft, let e2e = r.e2e else { return }
    completed += 1
    lastCompletion = max(lastCompletion, r.completion)
    inputTokens += Double(r.inputTokens)
    outputTokens += Double(r.outputTokens)
    ttfts.append(ttft)
    e2es.append(e2e)
    queues.append(r.firstScheduled - r.arrival)
    let tpot = r.tpot
    if let tpot { tpots.append(tpot) }
    if ttft <= ttftTarget && (tpot ?? 0) <= tpotTarget { meeting += 1 }
  }
}
