import Testing

@testable import ServeSimIO

/// The time bins of the over-time plots: fixed or doubling, totals or peaks.
@Suite struct TimeBinsTests {
  @Test func fixedBinsClampAndSpreadByOverlap() {
    var bins = TimeBins(count: 4, covering: 8)
    let total = bins.addSeries(.total)
    #expect(bins.width == 2)
    bins.add(1, at: -1, to: total)
    bins.add(1, at: 100, to: total)
    // 6 over [1, 4): a third in bin 0, two thirds in bin 1.
    bins.spread(6, from: 1, to: 4, into: total)
    #expect(bins.series[total] == [3, 4, 0, 1])
  }

  @Test func doublingMergesTotalsBySumAndPeaksByMax() {
    var bins = TimeBins(layout: .doubling, count: 4, width: 1)
    let total = bins.addSeries(.total)
    let peak = bins.addSeries(.peak)
    for (t, v) in [(0.5, 3.0), (1.5, 5.0), (2.5, 1.0), (3.5, 2.0)] {
      bins.add(v, at: t, to: total)
      bins.raise(to: v, at: t, in: peak)
    }
    // A time past 4 s doubles the width: bins [0,2) and [2,4) merge.
    bins.add(10, at: 5, to: total)
    #expect(bins.width == 2)
    #expect(bins.series[total] == [8, 3, 10, 0])
    #expect(bins.series[peak] == [5, 2, 0, 0])
    #expect(bins.end == 5)
    // About 2 groups over the 3 bins used: groups of 1.
    #expect(bins.grouping(target: 2) == (1, 3))
    #expect(bins.grouped(bins.series[total], target: 1) == [21])
  }
}
