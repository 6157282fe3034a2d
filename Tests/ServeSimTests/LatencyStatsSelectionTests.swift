import Testing

@testable import ServeSim

struct LatencyStatsSelectionTests {
  @Test func selectionGivesTheSortedPercentiles() {
    var rng = SplitMix64(seed: 3)
    for n in [1, 2, 3, 5, 10, 11, 57, 100, 101, 1000] {
      for dup in [false, true] {
        var xs = (0..<n).map { _ in Double(rng.next() % (dup ? 7 : 1_000_000)) / 1000 }
        let sorted = xs.sorted()
        let stats = LatencyStats(sorting: &xs)
        for (p, v) in [(50.0, stats.p50), (90.0, stats.p90), (99.0, stats.p99)] {
          let want = (Percentile.of(sorted: sorted, p) ?? 0) * 1000
          #expect(v == want, "n \(n) dup \(dup) p\(p): \(v) vs \(want)")
        }
      }
    }
  }
}
