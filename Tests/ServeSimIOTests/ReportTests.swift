import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

@Suite struct ReportTests {
  @Test func fixedFormatting() {
    var b = CSVBuffer()
    b.fixed(1.5, 3)
    b.comma()
    b.fixed(-0.0004, 3)
    b.comma()
    b.fixed(2.0005, 3)
    b.comma()
    b.fixed(123456.789, 0)
    b.comma()
    b.int(-42)
    b.comma()
    b.field("a,b")
    #expect(String(decoding: b.bytes, as: UTF8.self) == "1.500,0.000,2.001,123457,-42,\"a,b\"")
  }

  /// Each number is formatted whole before it is appended: the extremes of
  /// Int64, zero, negative fractions and leading zeros of the decimals.
  @Test func numbersAtTheirExtremes() {
    var b = CSVBuffer()
    for v in [Int64.min, Int64.max, 0, -1, 10] {
      b.int(v)
      b.comma()
    }
    b.int(Int32(-7))
    let fixed: [(Double, Int)] = [(-12.0625, 4), (0.000001, 6), (-3.5, 0), (1e17, 1), (.nan, 3)]
    for (value, decimals) in fixed {
      b.comma()
      b.fixed(value, decimals)
    }
    #expect(
      String(decoding: b.bytes, as: UTF8.self)
        == "-9223372036854775808,9223372036854775807,0,-1,10,-7,-12.0625,0.000001,-4,"
        + "100000000000000000.0,")
  }

  func runReports(_ files: TempPlan) throws -> [String: String] {
    let plan = try PlanLoader.load(path: files.planPath)
    var simulator = try Simulator(plan: plan, checkInvariants: true)
    let result = try simulator.run()
    let out = files.path("out")
    _ = try Reports.write(result, summary: Summary(result), to: out)
    var texts = [String: String]()
    for name in ["summary.csv", "requests.csv", "iterations.csv"] {
      texts[name] = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
        "iterations.csv", "requests.csv", "summary.csv",
      ])
    return texts
  }

  @Test func streamedReportsAreTheSameBytes() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let kept = try runReports(files)
    let plan = try PlanLoader.load(path: files.planPath)
    let out = files.path("streamed")
    var writer = try StreamingReports(plan: plan, directory: out)
    // Nothing is in place until the run ends: only hidden temporary files.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { $0.hasPrefix(".") })
    var simulator = try Simulator(plan: plan, checkInvariants: true)
    let result = try simulator.run(streamingTo: &writer)
    let (summary, paths) = try writer.finish(result)
    #expect(summary.requests == 50)
    #expect(
      paths.map { ($0 as NSString).lastPathComponent } == ["summary.csv", "requests.csv", "iterations.csv"])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
        "iterations.csv", "requests.csv", "summary.csv",
      ])
    for (name, text) in kept {
      #expect(try String(contentsOfFile: out + "/" + name, encoding: .utf8) == text, "\(name)")
    }
  }

  @Test func abandonedStreamingLeavesNothing() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    let out = files.path("abandoned")
    var writer = try StreamingReports(plan: plan, directory: out)
    var simulator = try Simulator(plan: plan)
    _ = try simulator.run(streamingTo: &writer)
    writer.abandon()
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
  }

  @Test func sameSeedGivesIdenticalBytes() throws {
    let a = try TempPlan()
    let b = try TempPlan()
    defer {
      a.remove()
      b.remove()
    }
    #expect(try runReports(a) == runReports(b))
  }

  @Test func columnsFollowTheContract() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let texts = try runReports(files)
    let summaryHeader = texts["summary.csv"]?.split(separator: "\n").first ?? ""
    #expect(
      summaryHeader.hasPrefix(
        "plan,requests,completed,duration_s,req_per_s,input_tok_per_s,output_tok_per_s,ttft_mean_ms,ttft_p50_ms,ttft_p90_ms,ttft_p99_ms,tpot_mean_ms,tpot_p50_ms,tpot_p90_ms,tpot_p99_ms,itl_p50_ms,itl_p99_ms,e2e_mean_ms,e2e_p50_ms,e2e_p90_ms,e2e_p99_ms,queue_mean_ms,slo_attainment,goodput_req_per_s,preemptions,kv_util_mean,mfu,energy_j_per_output_tok,usd_per_m_output_tok,devices"
      ))
    #expect(
      texts["requests.csv"]?.hasPrefix(
        "id,arrival_s,input_tokens,output_tokens,replica,first_token_s,completion_s,ttft_ms,tpot_ms,e2e_ms,preemptions"
      )
        == true)
    #expect(
      texts["iterations.csv"]?.hasPrefix(
        "replica,stage,start_s,duration_ms,prefill_tokens,decode_tokens,batch_size,kv_blocks_used\n")
        == true)
    #expect(texts["requests.csv"]?.split(separator: "\n").count == 51)
  }

  /// Golden file: the reports of a small fixed plan. Re-record with
  /// SERVESIM_RECORD=1 swift test --filter golden after an intended change.
  @Test func goldenReports() throws {
    let files = try TempPlan(
      workload: """
        name: w
        arrival: {process: constant, rate_per_s: 10}
        requests: 6
        input_tokens: {distribution: fixed, value: 600}
        output_tokens: {distribution: fixed, value: 4}
        """)
    defer { files.remove() }
    let texts = try runReports(files)
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Golden")
    for name in ["summary.csv", "requests.csv", "iterations.csv"] {
      let path = golden.appendingPathComponent(name).path
      let actual = texts[name] ?? ""
      if ProcessInfo.processInfo.environment["SERVESIM_RECORD"] != nil {
        try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
        try actual.write(toFile: path, atomically: true, encoding: .utf8)
      }
      let expected = try String(contentsOfFile: path, encoding: .utf8)
      #expect(actual == expected, "\(name) differs from Golden/\(name)")
    }
  }
}

@Suite struct StreamingPlotsTests {
  func request(arrival: Double, scheduled: Double, first: Double, done: Double, output: Int32)
    -> RequestRecord
  {
    var r = RequestRecord(arrival: arrival, inputTokens: 10, outputTokens: output)
    r.firstScheduled = scheduled
    r.firstToken = first
    r.completion = done
    r.status = .finished
    return r
  }

  @Test func binsWidenWithoutLosingTokensOrTime() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    let memory = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
      precision: plan.precision, scheduler: plan.scheduler)
    var plots = StreamingPlots()
    var outputs = 0.0
    var queuedSeconds = 0.0
    // Requests over 0.01 s to 10,000 s: the 1 ms bins must double 25 times.
    var t = 0.01
    while t < 10_000 {
      let r = request(arrival: t, scheduled: t * 1.1, first: t * 1.2, done: t * 1.5, output: 7)
      plots.add(r)
      outputs += 7
      queuedSeconds += t * 0.1
      t *= 1.7
    }
    #expect(plots.width >= 15_000.0 / Double(StreamingPlots.fineBins))
    let charts = plots.charts(plan: plan, memory: memory)
    #expect(charts.map(\.0) == ["throughput.svg", "queue.svg", "kv-cache.svg"])
    // Rates × bin width sum back to the totals.
    let throughput = charts[0].1
    let queue = charts[1].1
    func total(_ series: LineChart.Series) -> Double {
      let xs = series.points.map(\.x)
      let w = xs.count > 1 ? xs[1] - xs[0] : 1
      return series.points.reduce(0) { $0 + $1.y * w }
    }
    #expect(abs(total(throughput.series[0]) - outputs) < 1e-6 * outputs)
    #expect(abs(total(queue.series[0]) - queuedSeconds) < 1e-6 * queuedSeconds)
    #expect(throughput.series[0].points.count <= 2 * PlotReports.bins)
  }

  @Test func histogramCDFsRiseToOneWithTheSummaryPercentiles() {
    var samples = LatencySamples(exactLimit: 10)
    for i in 1...1_000 { samples.append(Double(i) * 1e-3) }
    let chart = PlotReports.cdf(samples, "TTFT", "time to first token")
    let ys = chart.series[0].points.map(\.y)
    #expect(ys == ys.sorted() && ys.last == 1)
    #expect(chart.title.contains("1000 requests"))
    #expect(chart.markers.map(\.label).first?.hasPrefix("p50 50") == true)
  }
}
