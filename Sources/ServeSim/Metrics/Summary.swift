/// The one-row summary of a simulation, with the metric definitions of the
/// report contract (README "Metric definitions").
public struct Summary: Sendable, Equatable, Codable {
  public var plan: String
  public var requests: Int
  public var completed: Int
  public var dropped: Int
  /// Last completion minus first arrival, in seconds.
  public var durationS: Double
  /// Completed requests, prompt tokens and output tokens per second.
  public var throughput: Throughput
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
  /// Energy and price per output token.
  public var unitCosts: UnitCosts
  public var devices: Int
  /// Device-seconds the devices were busy.
  public var busyDeviceSeconds: Double
  public var iterations: Int
  /// Shares of the simulated device time by the source that priced it.
  public var timeShares: TimeShares
  /// Busy shares of the devices and of each disaggregated pool.
  public var utilization: Utilization
  /// Requests dropped, by reason.
  public var drops: DropCounts
  /// Share of looked-up prompt tokens found in the prefix cache (nil when
  /// prefix caching is off or the workload has no shared prefixes).
  public var prefixHitRate: Double?
  /// The share of looked-up prompt tokens loaded from the host KV tier (part
  /// of `prefixHitRate`), and what the tier moved; nil without `kv_offload`.
  public var prefixHitRateHost: Double?
  public var offload: OffloadCounts?
  /// Speculative decoding: tokens a request got per verify step, on average
  /// (the mean accepted length, accepted drafts plus the target's token; nil
  /// without speculation).
  public var acceptedLength: Double?

  /// Summarises a result that kept its requests.
  ///
  /// - Parameter itl: whether to take the inter-token latencies' statistics
  ///   (a selection over every iteration's gap); without, `itl` is zero and
  ///   the caller fills it in if it keeps the summary (a capacity search's
  ///   probes, `CapacitySearch.capacity`).
  public init(_ result: SimulationResult, itl: Bool = true) {
    var outcomes = RequestOutcomes(plan: result.plan)
    outcomes.reserveCapacity(result.requests.count)
    for r in result.requests { outcomes.add(r) }
    self.init(result, outcomes: outcomes, itl: itl)
  }

  /// Summarises a result from its requests' outcomes (gathered as a streaming
  /// simulation retired them, or from `result.requests`); `itl` as above.
  public init(_ result: SimulationResult, outcomes: consuming RequestOutcomes, itl withITL: Bool = true) {
    let plan = result.plan
    self.plan = plan.name
    requests = outcomes.requests
    let inputTokens = outcomes.inputTokens
    let outputTokens = outcomes.outputTokens
    let meeting = outcomes.meeting
    let done = outcomes.completed
    completed = done
    dropped = outcomes.dropped
    drops = outcomes.drops
    preemptions = outcomes.preemptions
    let duration = done > 0 ? max(outcomes.lastCompletion - outcomes.firstArrival, 0) : 0
    durationS = duration
    let perSecond = duration > 0 ? 1 / duration : 0
    throughput = Throughput(
      reqPerS: Double(done) * perSecond, inputTokPerS: inputTokens * perSecond,
      outputTokPerS: outputTokens * perSecond)
    ttft = LatencyStats(&outcomes.ttfts)
    tpot = LatencyStats(&outcomes.tpots)
    e2e = LatencyStats(&outcomes.e2es)
    queue = LatencyStats(&outcomes.queues)
    itl = withITL ? LatencyStats(result.itl) : LatencyStats(WeightedSamples())
    sloAttainment = requests > 0 ? Double(meeting) / Double(requests) : 0
    goodputReqPerS = Double(meeting) * perSecond
    devices = plan.devices
    func utilization(_ busy: Double, _ n: Int) -> Double {
      n > 0 && duration > 0 ? busy / (Double(n) * duration) : 0
    }
    self.utilization = Utilization(device: utilization(result.busyDeviceSeconds, devices))
    // Only a workload that says which prompts share prefixes can hit.
    if plan.sharesPrefixBlocks {
      prefixHitRate =
        result.prefixLookupTokens > 0
        ? Double(result.prefixHitTokens) / Double(result.prefixLookupTokens) : 0
      if let moved = result.offload {
        offload = moved
        prefixHitRateHost =
          result.prefixLookupTokens > 0 ? Double(moved.hitTokens) / Double(result.prefixLookupTokens) : 0
      }
    }
    if result.verifySteps > 0 {
      acceptedLength = Double(result.verifiedTokens) / Double(result.verifySteps)
    }
    if result.poolDevices.count == 2 {
      self.utilization.prefillPool = utilization(result.poolBusyDeviceSeconds[0], result.poolDevices[0])
      self.utilization.decodePool = utilization(result.poolBusyDeviceSeconds[1], result.poolDevices[1])
    }
    iterations = result.totalIterations
    timeShares = TimeShares(
      measured: result.costSources.share(.measured), fitted: result.costSources.share(.fitted),
      datasheet: result.costSources.total > 0 ? result.costSources.share(.datasheet) : 1)
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
    let usd = device.pricePerHourUSD * Double(devices) * duration / 3600
    unitCosts = UnitCosts(
      energyJPerOutputTok: outputTokens > 0 ? (idleJ + dynamicJ) / outputTokens : 0,
      usdPerMOutputTok: outputTokens > 0 ? usd / outputTokens * 1e6 : 0)
  }

  // The grouped figures under the report's column names.
  public var reqPerS: Double { throughput.reqPerS }
  public var inputTokPerS: Double { throughput.inputTokPerS }
  public var outputTokPerS: Double { throughput.outputTokPerS }
  public var energyJPerOutputTok: Double { unitCosts.energyJPerOutputTok }
  public var usdPerMOutputTok: Double { unitCosts.usdPerMOutputTok }
  public var timeShareMeasured: Double { timeShares.measured }
  public var timeShareFitted: Double { timeShares.fitted }
  public var timeShareDatasheet: Double { timeShares.datasheet }
  public var deviceUtilization: Double { utilization.device }
  public var prefillPoolUtilization: Double? { utilization.prefillPool }
  public var decodePoolUtilization: Double? { utilization.decodePool }
  /// The share of looked-up prompt tokens found in the device prefix cache
  /// (nil without a host tier: then it is `prefixHitRate`).
  public var prefixHitRateDevice: Double? {
    guard let all = prefixHitRate, let host = prefixHitRateHost else { return nil }
    return max(all - host, 0)
  }
}
