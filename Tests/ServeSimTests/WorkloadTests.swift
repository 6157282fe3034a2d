import Testing

@testable import ServeSim

@Suite struct WorkloadTests {
  @Test func poissonRateIsRespected() {
    var g = RequestGenerator(workload: Fixtures.workload(.poisson(rate: 10), requests: 20_000), seed: 1)
    var last = 0.0
    while let r = g.next() { last = r.arrival }
    // 20,000 arrivals at 10/s take about 2,000 s (±3 sigma ≈ ±2%).
    #expect(abs(last - 2000) < 45)
  }

  @Test func anExactRateSpansTheNominalTimeWithTheSameGaps() {
    for arrival in [ArrivalProcess.poisson(rate: 2), .gamma(rate: 2, cv: 2)] {
      var spec = Fixtures.workload(arrival, requests: 500)
      var drawn = RequestGenerator(workload: spec, seed: 7)
      spec.exactRate = true
      var exact = RequestGenerator(workload: spec, seed: 7)
      var a = [Double]()
      var b = [Double]()
      while let r = drawn.next(), let s = exact.next() {
        a.append(r.arrival)
        b.append(s.arrival)
        // Lengths are drawn from their own streams, unchanged.
        #expect(r.input == s.input && r.output == s.output)
      }
      #expect(b.count == 500)
      // 499 gaps at 2/s: exactly 249.5 s, where this seed's draw is not.
      #expect(abs(b[499] - 249.5) < 1e-9)
      #expect(abs(a[499] - 249.5) > 0.1)
      // Every gap is the drawn one, rescaled by one factor.
      let scale = b[499] / a[499]
      for i in 1..<500 { #expect(abs((b[i] - b[i - 1]) - (a[i] - a[i - 1]) * scale) < 1e-9) }
      // With 20 warm-up requests (sent at once, their drawn times unused)
      // the 480 measured ones span 479 / rate.
      spec.warmupRequests = 20
      var warmed = RequestGenerator(workload: spec, seed: 7)
      var c = [Double]()
      while let r = warmed.next() { c.append(r.arrival) }
      #expect(abs((c[499] - c[20]) - 239.5) < 1e-9)
    }
  }

  @Test func gammaHasItsCoefficientOfVariation() {
    var g = RequestGenerator(
      workload: Fixtures.workload(.gamma(rate: 5, cv: 3), requests: 50_000), seed: 2)
    var gaps = [Double]()
    var previous = 0.0
    while let r = g.next() {
      gaps.append(r.arrival - previous)
      previous = r.arrival
    }
    gaps.removeFirst()
    let mean = gaps.reduce(0, +) / Double(gaps.count)
    let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)).squareRoot()
    #expect(abs(mean - 0.2) < 0.01)
    #expect(abs(sd / mean - 3) < 0.2)
  }

  @Test func lengthDistributionsStayInRange() {
    var rng = SplitMix64(seed: 3)
    let cases: [LengthDistribution] = [
      .fixed(7), .uniform(min: 5, max: 9), .normal(mean: 100, stddev: 50, min: 20, max: 150),
      .lognormal(mean: 500, stddev: 400, min: 10, max: 2000), .zipf(s: 1.2, min: 3, max: 50),
      .empirical(values: [4, 8, 15, 16, 23, 42], min: 5, max: 40),
    ]
    for d in cases {
      let sampler = LengthSampler(d)
      for _ in 0..<2000 {
        let v = sampler.sample(&rng)
        switch d {
        case .fixed: #expect(v == 7)
        case .uniform: #expect((5...9).contains(v))
        case .normal: #expect((20...150).contains(v))
        case .lognormal: #expect((10...2000).contains(v))
        case .zipf: #expect((3...50).contains(v))
        case .empirical: #expect([5, 8, 15, 16, 23, 40].contains(v))
        }
      }
    }
  }

  @Test func lognormalHasTheRequestedMean() {
    var rng = SplitMix64(seed: 4)
    let sampler = LengthSampler(.lognormal(mean: 500, stddev: 300, min: 1, max: 1_000_000))
    var sum = 0.0
    for _ in 0..<40_000 { sum += Double(sampler.sample(&rng)) }
    #expect(abs(sum / 40_000 - 500) < 10)
  }

  @Test func traceReplayKeepsTimesAndLengths() {
    let trace = TraceRecords(arrivals: [0, 0.5, 2], inputTokens: [10, 20, 30], outputTokens: [1, 2, 3])
    var w = Fixtures.workload(.trace, requests: nil)
    w.trace = trace
    w.traceTimeScale = 2
    var g = RequestGenerator(workload: w, seed: 0)
    #expect(g.plannedCount == 3)
    var got = [(Double, Int, Int)]()
    while let r = g.next() { got.append(r) }
    #expect(got.map(\.0) == [0, 1, 4])
    #expect(got.map(\.1) == [10, 20, 30])
    #expect(got.map(\.2) == [1, 2, 3])
  }
}

@Suite struct ExpectedCountTests {
  @Test func countsOrRateTimesDuration() {
    var w = Fixtures.workload(.poisson(rate: 50), requests: nil)
    w.durationS = 100
    #expect(RequestGenerator(workload: w, seed: 1).expectedCount == 5_000)
    w.requests = 30
    #expect(RequestGenerator(workload: w, seed: 1).expectedCount == 30)
    var closed = Fixtures.workload(.closed(concurrency: 4, thinkTime: 0), requests: nil)
    closed.durationS = 100
    #expect(RequestGenerator(workload: closed, seed: 1).expectedCount == nil)
  }
}
