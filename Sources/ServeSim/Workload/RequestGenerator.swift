import Foundation

/// Produces a workload's requests in arrival order, lazily, from seeded streams.
///
/// Open-loop processes (Poisson, gamma, constant, offline, trace) yield arrival
/// times; a closed loop only yields lengths, and the simulator decides arrival
/// times from completions.
public struct RequestGenerator: Sendable {
  public let workload: WorkloadSpec
  private var arrivalRNG: SplitMix64
  private var inputRNG: SplitMix64
  private var outputRNG: SplitMix64
  private var groupRNG: SplitMix64
  /// The shared-prefix group of the request last returned by `next()` (-1: none).
  public private(set) var lastGroup = -1
  private let inputSampler: LengthSampler
  private let outputSampler: LengthSampler
  private var clock: Double = 0
  /// Multiplies each drawn gap (1; `WorkloadSpec.exactRate`: the nominal
  /// span over the drawn one).
  private let gapScale: Double
  /// Requests produced so far.
  public private(set) var produced = 0

  public init(workload: WorkloadSpec, seed: UInt64) {
    self.workload = workload
    arrivalRNG = SplitMix64(seed: seed, stream: .arrivals)
    inputRNG = SplitMix64(seed: seed, stream: .inputLengths)
    outputRNG = SplitMix64(seed: seed, stream: .outputLengths)
    groupRNG = SplitMix64(seed: seed, stream: .prefixGroups)
    inputSampler = LengthSampler(workload.inputTokens)
    outputSampler = LengthSampler(workload.outputTokens)
    gapScale = workload.exactRate ? Self.exactRateScale(workload, arrivalRNG) : 1
  }

  /// The factor that makes the gaps between `workload`'s measured requests
  /// (the N − 1 − W after the W warm-up requests, whose own drawn times the
  /// simulator does not use: `Simulator.startArrivals`), drawn from `rng`
  /// as `draw()` will draw them, sum to (N − 1 − W) / rate (1 where the
  /// process has no rate or fewer than two requests are measured).
  static func exactRateScale(_ workload: WorkloadSpec, _ rng: SplitMix64) -> Double {
    guard let count = workload.requests else { return 1 }
    let warmup = min(max(workload.warmupRequests, 0), count)
    let measuredGaps = count - 1 - warmup
    guard measuredGaps > 0 else { return 1 }
    var rng = rng
    var drawn = 0.0
    let rate: Double
    switch workload.arrival {
    case .poisson(let r):
      rate = r
      // Request i > 0 draws the gap before it.
      for i in 1..<count {
        let gap = -log(rng.nextOpenUnit()) / r
        if i > warmup { drawn += gap }
      }
    case .gamma(let r, let cv):
      rate = r
      let shape = 1 / (cv * cv)
      // `draw()` draws a gap for the first request too and ignores it.
      for i in 0..<count {
        let gap = gammaSample(shape: shape, &rng) / (shape * r)
        if i > warmup { drawn += gap }
      }
    default: return 1
    }
    return drawn > 0 ? Double(measuredGaps) / rate / drawn : 1
  }

  /// The number of requests the workload will produce when it is known up front
  /// (nil for duration-bounded open-loop workloads).
  public var plannedCount: Int? {
    if case .trace = workload.arrival {
      let available = workload.trace?.count ?? 0
      return min(workload.requests ?? available, available)
    }
    return workload.requests
  }

  /// The number of requests the workload will produce, or its expectation for
  /// a duration-bounded open loop (rate × duration); nil for a duration-bounded
  /// closed loop.
  public var expectedCount: Int? {
    if let planned = plannedCount { return planned }
    guard let duration = workload.durationS else { return nil }
    switch workload.arrival {
    case .poisson(let rate), .gamma(let rate, _), .constant(let rate):
      let expected = rate * duration
      return expected.isFinite ? Int(min(expected, 1e15)) : nil
    default: return nil
    }
  }

  /// The next request of an open-loop or offline workload, or nil when done.
  ///
  /// - Returns: arrival time in seconds and prompt and output lengths in tokens.
  public mutating func next() -> (arrival: Double, input: Int, output: Int)? {
    guard let drawn = draw() else { return nil }
    guard let prefix = workload.sharedPrefix else { return drawn }
    lastGroup = Int(groupRNG.next() % UInt64(prefix.groups))
    return (drawn.arrival, drawn.input + prefix.tokens, drawn.output)
  }

  private mutating func draw() -> (arrival: Double, input: Int, output: Int)? {
    if let cap = workload.requests, produced >= cap { return nil }
    let arrival: Double
    switch workload.arrival {
    case .trace:
      guard let trace = workload.trace, produced < trace.count else { return nil }
      let time = trace.arrivals[produced] * workload.traceTimeScale
      if let limit = workload.durationS, time > limit { return nil }
      let request = (time, Int(trace.inputTokens[produced]), Int(trace.outputTokens[produced]))
      produced += 1
      return request
    case .offline, .closed:
      arrival = 0
    case .poisson(let rate):
      arrival = clock + (produced == 0 ? 0 : -log(arrivalRNG.nextOpenUnit()) / rate * gapScale)
    case .gamma(let rate, let cv):
      let shape = 1 / (cv * cv)
      let gap = Self.gammaSample(shape: shape, &arrivalRNG) / (shape * rate) * gapScale
      arrival = clock + (produced == 0 ? 0 : gap)
    case .constant(let rate):
      arrival = Double(produced) / rate
    }
    if let limit = workload.durationS, arrival > limit { return nil }
    clock = arrival
    produced += 1
    return (arrival, inputSampler.sample(&inputRNG), outputSampler.sample(&outputRNG))
  }

  /// A gamma(shape, 1) draw (Marsaglia and Tsang 2000; boosted for shape < 1).
  static func gammaSample(shape: Double, _ rng: inout SplitMix64) -> Double {
    if shape < 1 {
      let boost = pow(rng.nextOpenUnit(), 1 / shape)
      return gammaSample(shape: shape + 1, &rng) * boost
    }
    let d = shape - 1.0 / 3.0
    let c = 1 / (9 * d).squareRoot()
    while true {
      var x = 0.0
      var v = 0.0
      repeat {
        x = LengthSampler.standardNormal(&rng)
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = rng.nextOpenUnit()
      if u < 1 - 0.0331 * x * x * x * x { return d * v }
      if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
    }
  }
}
