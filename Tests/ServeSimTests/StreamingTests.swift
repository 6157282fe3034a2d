import Foundation
import Testing

@testable import ServeSim

/// Collects what a streaming simulation hands out.
struct CollectingObserver: SimulationObserver {
  var requests: [RequestRecord] = []
  var ids: [Int] = []
  var iterations: [IterationRecord] = []
  mutating func retire(_ record: RequestRecord, id: Int) {
    requests.append(record)
    ids.append(id)
  }
  mutating func record(_ batch: ArraySlice<IterationRecord>) { iterations.append(contentsOf: batch) }
}

@Suite struct StreamingTests {
  /// Plans that exercise every path that holds request IDs: chunked and
  /// unchunked vLLM, static batching, pipeline stages, disaggregation, prefix
  /// caching and a closed loop, each with enough requests to move the window.
  func plans() -> [PlanSpec] {
    let lengths = (
      input: LengthDistribution.uniform(min: 20, max: 600),
      output: LengthDistribution.uniform(min: 1, max: 40)
    )
    func base(_ arrival: ArrivalProcess = .poisson(rate: 400), requests: Int = 3_000) -> PlanSpec {
      var p = Fixtures.plan(
        workload: Fixtures.workload(arrival, requests: requests, input: lengths.input, output: lengths.output)
      )
      // A KV pool of 200 blocks (3,200 tokens) for up to 64 requests of up
      // to 640 tokens: preemptions happen.
      let full = MemoryPlan(
        model: p.model, device: p.cluster.device, parallelism: p.parallelism, precision: p.precision,
        scheduler: p.scheduler)
      p.cluster.device.memoryGB =
        (full.weightBytes + full.activationBytes + 200.5 * full.blockBytes) / 0.9 / 1e9
      return p
    }
    var plans = [base()]
    var unchunked = base()
    unchunked.scheduler.chunkedPrefill = false
    plans.append(unchunked)
    var staticBatching = base(requests: 1_000)
    staticBatching.scheduler.policy = .static
    staticBatching.scheduler.maxNumSeqs = 16
    plans.append(staticBatching)
    var pipeline = base(requests: 2_000)
    pipeline.parallelism = Parallelism(data: 2, pipeline: 2)
    plans.append(pipeline)
    var disaggregated = base(requests: 2_000)
    disaggregated.disaggregation = Disaggregation(
      prefill: .init(replicas: 1, tensor: 2, cluster: Fixtures.cluster()),
      decode: .init(replicas: 2, tensor: 1, cluster: Fixtures.cluster()), transferLink: Fixtures.link)
    plans.append(disaggregated)
    var prefix = base(requests: 2_000)
    prefix.workload.sharedPrefix = (256, 8)
    prefix.scheduler.prefixCaching = true
    plans.append(prefix)
    plans.append(base(.closed(concurrency: 32, thinkTime: 0.01), requests: 20_000))
    return plans
  }

  @Test func streamingHandsOutWhatAKeptRunHolds() throws {
    var preempting = 0
    for plan in plans() {
      var kept = try Simulator(plan: plan, checkInvariants: true)
      let whole = try kept.run()
      if whole.requests.contains(where: { $0.preemptions > 0 }) { preempting += 1 }
      var streaming = try Simulator(plan: plan)
      streaming.stream.discardBatch = 16
      streaming.stream.handOverMask = 63
      var observer = CollectingObserver()
      let streamed = try streaming.run(streamingTo: &observer)
      #expect(streamed.requests.isEmpty && streamed.iterations.isEmpty, "\(plan.name)")
      #expect(observer.ids == Array(0..<whole.requests.count), "\(plan.name): IDs in order")
      #expect(observer.requests == whole.requests, "\(plan.name)")
      #expect(observer.iterations == whole.iterations, "\(plan.name)")
      #expect(streamed.totalRequests == whole.totalRequests)
      #expect(streamed.totalIterations == whole.totalIterations)
      var outcomes = RequestOutcomes(plan: plan)
      for r in observer.requests { outcomes.add(r) }
      #expect(Summary(streamed, outcomes: outcomes) == Summary(whole), "\(plan.name)")
    }
    // The small pool makes most of them preempt (recompute) along the way.
    #expect(preempting >= 4)
  }

  @Test func theWindowHoldsOnlyRequestsInFlight() throws {
    // 3,000 requests at a rate the replica keeps up with: the window is
    // discarded as requests finish instead of growing with the workload.
    let plan = plans()[0]
    var simulator = try Simulator(plan: plan)
    simulator.stream.discardBatch = 16
    simulator.stream.handOverMask = 63
    var observer = CollectingObserver()
    _ = try simulator.run(streamingTo: &observer)
    #expect(observer.requests.count == 3_000)
    #expect(simulator.requests.records.isEmpty)
    #expect(simulator.requests.base == 3_000)
    #expect(simulator.requests.records.capacity < 1_000)
  }

  @Test func requestWindowIndexesByID() {
    var window = RequestWindow()
    for i in 0..<10 {
      #expect(window.append(RequestRecord(arrival: Double(i), inputTokens: 1, outputTokens: 1)) == i)
    }
    window.discard(before: 4)
    #expect(window.base == 4 && window.endID == 10)
    #expect(window[4].arrival == 4 && window[9].arrival == 9)
    window[6].generated = 3
    #expect(window.records[2].generated == 3)
    window.discard(before: 4)
    #expect(window.records.count == 6)
  }
}

@Suite struct LogHistogramTests {
  @Test func percentilesAreWithinABucketOfExact() {
    var rng = SplitMix64(seed: 3, stream: .arrivals)
    var values = [Double]()
    var histogram = LogHistogram()
    for _ in 0..<50_000 {
      // Latencies from microseconds to minutes.
      let v = 1e-6 * pow(10, 8 * rng.nextOpenUnit())
      values.append(v)
      histogram.add(v)
    }
    values.sort()
    for p in [0.0, 1, 50, 90, 99, 99.9, 100] {
      let exact = Percentile.of(sorted: values, p) ?? 0
      let approx = histogram.percentile(p) ?? 0
      #expect(abs(approx - exact) <= exact * 0x1p-12, "p\(p): \(approx) vs \(exact)")
    }
    #expect(histogram.total == 50_000)
  }

  @Test func zerosWeightsAndTheEmptyCase() {
    var h = LogHistogram()
    #expect(h.percentile(50) == nil)
    h.add(0, weight: 3)
    h.add(2.0, weight: 1)
    #expect(h.percentile(0) == 0)
    #expect(h.percentile(50) == 0)
    // The largest of 4 order statistics is 2 to within 2⁻¹³.
    let top = h.percentile(100) ?? 0
    #expect(abs(top - 2) <= 2 * 0x1p-13)
    // Out of range values land in the end buckets, not out of bounds.
    h.add(1e30)
    h.add(1e-30)
    #expect(h.total == 6)
  }

  @Test func samplesFoldPastTheirLimitAndKeepAnExactMean() {
    var samples = LatencySamples(exactLimit: 100)
    var folded = WeightedSamples()
    folded.exactLimit = 100
    var kept = WeightedSamples()
    var sum = 0.0
    for i in 1...1_000 {
      let v = Double(i) * 1e-3
      samples.append(v)
      folded.add(v, weight: 2)
      kept.add(v, weight: 2)
      sum += v
    }
    #expect(samples.histogram != nil && samples.exact.isEmpty)
    #expect(folded.histogram != nil && folded.values.isEmpty)
    let stats = LatencyStats(&samples)
    #expect(stats.count == 1_000)
    #expect(abs(stats.mean - sum / 1_000 * 1000) < 1e-9)
    #expect(abs(stats.p50 - 500.5) <= 500.5 * 0x1p-12)
    #expect(folded.count == kept.count)
    #expect(abs((folded.mean ?? 0) - (kept.mean ?? 0)) < 1e-12)
    for (a, b) in zip(folded.percentiles([50, 90, 99]), kept.percentiles([50, 90, 99])) {
      #expect(abs((a ?? 0) - (b ?? 0)) <= (b ?? 0) * 0x1p-12)
    }
    // Under the limit nothing is folded: exact as before.
    var few = LatencySamples(exactLimit: 100)
    for v in [3.0, 1.0, 2.0] { few.append(v) }
    #expect(LatencyStats(&few) == LatencyStats(seconds: [3, 1, 2]))
  }
}
