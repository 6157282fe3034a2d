import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// The Chrome/Perfetto trace writer.
@Suite struct PerfettoTests {
  /// Golden file: the trace of the tiny run.
  @Test func goldenTrace() throws {
    let result = try PlotTests.tinyResult()
    try expectGolden(String(decoding: PerfettoTrace.json(result), as: UTF8.self), "trace.json")
  }

  @Test func traceIsValidJSONWithTracksCountersAndRequests() throws {
    let result = try PlotTests.tinyResult()
    let data = Data(PerfettoTrace.json(result))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let events = try #require(root["traceEvents"] as? [[String: Any]])
    let phases = events.compactMap { $0["ph"] as? String }
    #expect(phases.filter { $0 == "X" }.count == result.iterations.count)
    #expect(phases.contains("C") && phases.contains("M"))
    // Every begun async slice ends.
    #expect(phases.filter { $0 == "b" }.count == phases.filter { $0 == "e" }.count)
    #expect(phases.filter { $0 == "b" }.count >= result.requests.count)
    let iteration = try #require(events.first { ($0["ph"] as? String) == "X" })
    let args = try #require(iteration["args"] as? [String: Any])
    #expect(args["batch_size"] != nil && args["prefill_tokens"] != nil && args["decode_tokens"] != nil)
  }

  @Test func requestSlicesAreCapped() throws {
    let result = try PlotTests.tinyResult()
    let text = String(decoding: PerfettoTrace.json(result, requestCap: 2), as: UTF8.self)
    #expect(text.contains("the first 2 of 6 requests are drawn as slices"))
    #expect(!text.contains("\"request 2\""))
  }

  @Test func queueCountsStepThroughLifecycles() {
    var a = RequestRecord(arrival: 0, inputTokens: 1, outputTokens: 1)
    a.firstScheduled = 1
    a.completion = 3
    a.status = .finished
    var b = RequestRecord(arrival: 0.5, inputTokens: 1, outputTokens: 1)
    b.firstScheduled = 3
    b.completion = 4
    b.status = .finished
    var dropped = RequestRecord(arrival: 0.2, inputTokens: 1, outputTokens: 1)
    dropped.status = .dropped
    let steps = RequestCounts.steps([a, b, dropped])
    #expect(steps.map(\.time) == [0, 0.5, 1, 3, 4])
    #expect(steps.map(\.queued) == [1, 2, 1, 0, 0])
    #expect(steps.map(\.running) == [0, 0, 1, 1, 0])
  }
}
