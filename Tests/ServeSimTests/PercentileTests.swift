import Testing

@testable import ServeSim

@Suite struct PercentileTests {
  // numpy.percentile([1, 2, 3, 4], [0, 50, 90, 100]) == [1, 2.5, 3.7, 4]
  @Test func matchesNumpyLinear() throws {
    let x = [1.0, 2, 3, 4]
    #expect(Percentile.of(sorted: x, 0) == 1)
    #expect(Percentile.of(sorted: x, 50) == 2.5)
    #expect(abs(try #require(Percentile.of(sorted: x, 90)) - 3.7) < 1e-12)
    #expect(Percentile.of(sorted: x, 100) == 4)
    #expect(Percentile.of(sorted: [], 50) == nil)
    #expect(Percentile.of(sorted: [5], 99) == 5)
  }

  @Test func weightedEqualsExpanded() throws {
    var w = WeightedSamples()
    w.add(0.3, weight: 3)
    w.add(0.1, weight: 2)
    w.add(0.2, weight: 1)
    let expanded = [0.1, 0.1, 0.2, 0.3, 0.3, 0.3]
    for p in [0.0, 10, 25, 50, 75, 90, 99, 100] {
      let a = try #require(w.percentile(p))
      let b = try #require(Percentile.of(sorted: expanded, p))
      #expect(abs(a - b) < 1e-12, "p\(p)")
    }
    #expect(w.count == 6)
    #expect(abs(try #require(w.mean) - expanded.reduce(0, +) / 6) < 1e-12)
  }
}

/// Selection gives exactly the percentiles of the expanded sample.
@Suite struct WeightedSelectionTests {
  @Test func selectionEqualsSortingTheExpandedSample() throws {
    var rng = SplitMix64(seed: 11)
    for size in [1, 2, 3, 10, 200, 5000] {
      var w = WeightedSamples()
      var expanded = [Double]()
      for _ in 0..<size {
        // Few distinct values, as inter-token gaps of identical iterations.
        let value = Double(rng.next() % 37) * 0.001
        let weight = Int64(rng.next() % 5) + 1
        w.add(value, weight: weight)
        expanded += [Double](repeating: value, count: Int(weight))
      }
      expanded.sort()
      let ps = [0.0, 1, 25, 50, 90, 99, 99.9, 100]
      let got = w.percentiles(ps)
      for (p, value) in zip(ps, got) {
        #expect(value == Percentile.of(sorted: expanded, p), "size \(size) p\(p)")
      }
    }
  }
}
