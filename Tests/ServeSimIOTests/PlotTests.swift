import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// SVG plots and the HTML report.
@Suite struct PlotTests {
  static func tinyResult() throws -> SimulationResult {
    let files = try TempPlan(workload: goldenWorkload)
    defer { files.remove() }
    var simulator = try Simulator(plan: try PlanLoader.load(path: files.planPath), checkInvariants: true)
    return try simulator.run()
  }

  /// Golden files: every plot of the tiny run, byte for byte.
  @Test func goldenPlots() throws {
    let result = try Self.tinyResult()
    for (name, chart) in PlotReports.charts(result) {
      try expectGolden(chart.svg(), "plot-" + name)
    }
  }

  @Test func ticksAreRoundAndCoverTheRange() {
    #expect(LineChart.ticks(0, 97) == [0, 20, 40, 60, 80, 100])
    #expect(LineChart.ticks(0, 1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    #expect(LineChart.ticks(6.7, 21.3) == [5, 10, 15, 20, 25])
    #expect(LineChart.ticks(5, 5) == [5])
    #expect(LineChart.label(20000, step: 5000) == "20k")
    #expect(LineChart.label(0.25, step: 0.05) == "0.25")
  }

  @Test func chartsSurviveEmptyAndDegenerateData() {
    let empty = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [])])
    #expect(empty.svg().contains("no data"))
    let odd = LineChart(
      title: "<&>", xLabel: "x", yLabel: "y",
      series: [.init(name: "a", points: [(1, .nan), (2, .infinity), (3, 3), (3, 3)])])
    let svg = odd.svg()
    #expect(svg.contains("&lt;&amp;&gt;") && !svg.contains("nan") && !svg.contains("inf"))
  }

  @Test func reportFolderHasPlotsAndIndex() throws {
    let result = try Self.tinyResult()
    let files = ReportFiles.all(result, summary: Summary(result), trace: true)
    let names = files.map(\.0)
    #expect(names.prefix(3) == ["summary.csv", "requests.csv", "iterations.csv"])
    for plot in [
      "ttft-cdf.svg", "tpot-cdf.svg", "e2e-cdf.svg", "throughput.svg", "queue.svg", "kv-cache.svg",
    ] {
      #expect(names.contains(plot))
    }
    let index = String(decoding: files.first { $0.0 == "index.html" }?.1 ?? [], as: UTF8.self)
    #expect(index.contains("<img src=\"ttft-cdf.svg\"") && index.contains("trace.json"))
    #expect(ReportFiles.all(result, summary: Summary(result), plots: false, trace: false).count == 3)
  }
}
