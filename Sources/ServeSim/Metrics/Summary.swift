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
