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
