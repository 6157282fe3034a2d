/// What a summary needs of each request, gathered one request at a time: the
/// counts and token totals, and the latency samples of finished requests (in
/// seconds) for exact percentiles.
public struct RequestOutcomes: Sendable {
  public private(set) var requests = 0
  public private(set) var completed = 0
  public private(set) var dropped = 0
  /// Dropped requests by reason.
  public private(set) var drops = DropCounts()
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
    ttftTarget = plan.slo.ttftBoundMs / 1000
    tpotTarget = plan.slo.tpotBoundMs / 1000
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
    if r.status == .dropped {
      dropped += 1
      drops.add(r.dropReason)
    }
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
