import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// "Calibrated by default": a plain run of every shipped NVIDIA
/// plan is priced mostly from calibrated figures (measured, fitted, or
/// fitted on another device and carried), not the datasheet roofline.
@Suite struct CalibratedByDefaultTests {
  @Test func everyShippedNVIDIAPlanSpendsUnderHalfItsTimeOnDatasheetFigures() throws {
    let plans = try FileManager.default.contentsOfDirectory(atPath: LeapTests.root + "/plans")
      .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("search") }.sorted()
    var checked = 0
    for file in plans {
      var plan = try PlanLoader.load(path: LeapTests.root + "/plans/" + file)
      guard plan.cluster.device.platform == .cuda else { continue }
      plan.workload.requests = min(plan.workload.requests ?? 300, 300)
      plan.workload.durationS = nil
      var simulator = try Simulator(plan: plan)
      let sources = try simulator.run().costSources
      #expect(sources.total > 0, "\(file)")
      #expect(sources.share(.datasheet) < 0.5, "\(file): datasheet share \(sources.share(.datasheet))")
      checked += 1
    }
    #expect(checked >= 15)
  }

  /// A link whose latency and efficiency are fitted prices its collectives
  /// as fitted; the same figures without `fitted` stay datasheet.
  @Test func collectivesOnAFittedLinkCountAsFitted() {
    var link = LinkSpec(
      kind: "nvlink", bandwidthGBps: 900, latencyUs: 2.9, efficiency: 0.84, topology: "switch")
    let plain = CommGroup(ranks: 8, ranksPerNode: 8, intra: link, inter: nil, customAllReduce: false)
    link.fitted = true
    let fitted = CommGroup(ranks: 8, ranksPerNode: 8, intra: link, inter: nil, customAllReduce: false)
    let bytes = 1 << 20
    #expect(plain.estimate(plain.allReduce(bytes: Double(bytes))).sources[.datasheet] > 0)
    let e = fitted.estimate(fitted.allReduce(bytes: Double(bytes)))
    #expect(e.sources[.fitted] == e.seconds && e.sources[.datasheet] == 0)
    // Across nodes both links must be fitted.
    let across = CommGroup(ranks: 16, ranksPerNode: 8, intra: link, inter: nil, customAllReduce: false)
    #expect(across.fitted)
    var network = link
    network.fitted = false
    #expect(
      !CommGroup(ranks: 16, ranksPerNode: 8, intra: link, inter: network, customAllReduce: false).fitted)
  }
}
