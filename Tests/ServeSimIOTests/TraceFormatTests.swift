import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// The trace readers on the shipped samples and on malformed rows.
@Suite struct TraceFormatTests {
  static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("workloads/samples")
    .path

  static func sample(_ name: String) -> String { samples + "/" + name }

  /// Writes `text` to a temporary file with `suffix` and returns its path.
  func temporary(_ text: String, suffix: String = ".csv") throws -> String {
    let path = NSTemporaryDirectory() + "servesim-trace-\(UUID().uuidString)\(suffix)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func error(_ text: String, suffix: String = ".csv", format: TraceFormat? = nil) throws -> ConfigError? {
    let path = try temporary(text, suffix: suffix)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return #expect(throws: ConfigError.self) { try TraceReader.records(file: path, format: format) }
  }

  @Test(arguments: [
    ("azure-llm-2023-code-sample.csv", 20), ("apex-sample.jsonl", 20), ("mooncake-sample.jsonl", 20),
    ("burstgpt-sample.csv", 19),
  ])
  func samplesAreDetectedAndRead(name: String, count: Int) throws {
    let trace = try TraceReader.records(file: Self.sample(name), format: nil)
    #expect(trace.count == count)
    #expect(trace.arrivals.first == 0)
    #expect(zip(trace.arrivals, trace.arrivals.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(trace.inputTokens.allSatisfy { $0 >= 1 } && trace.outputTokens.allSatisfy { $0 >= 1 })
  }

  @Test func layoutsAgreeOnTheSameRequests() throws {
    let vidur = try TraceReader.records(
      file: Self.samples + "/../traces/azure-llm-2023-conversation.csv", format: .vidur)
    let apex = try TraceReader.records(file: Self.sample("apex-sample.jsonl"), format: .apex)
    let mooncake = try TraceReader.records(file: Self.sample("mooncake-sample.jsonl"), format: .mooncake)
    #expect(Array(vidur.inputTokens.prefix(20)) == apex.inputTokens)
    #expect(apex.inputTokens == mooncake.inputTokens && apex.outputTokens == mooncake.outputTokens)
    for (a, b) in zip(vidur.arrivals.prefix(20), apex.arrivals) { #expect(abs(a - b) < 1e-6) }
    for (a, b) in zip(apex.arrivals, mooncake.arrivals) { #expect(abs(a - b) < 1e-3) }
  }

  @Test func mooncakeHashIDsBecomeDenseChains() throws {
    let trace = try TraceReader.records(file: Self.sample("mooncake-sample.jsonl"), format: nil)
    let hashes = try #require(trace.blockHashes)
    #expect(hashes.blockTokens == 512 && hashes.count == 20)
    // Ids 0, 1 and 100...121 in order of appearance: 0→0, 100→1, 101→2, ...
    #expect(hashes.distinct == 24)
    func chain(_ i: Int) -> [Int32] { Array(hashes.ids[hashes.chain(i)]) }
    #expect(chain(0) == [0])
    #expect(chain(2) == [2, 3])
    #expect(chain(6) == [0, 6, 7])  // [0, 1, 105]: 1 is first seen here
    #expect(chain(12) == [0, 6, 12])  // [0, 1, 110] shares two blocks with row 6
    // Other layouts carry no hashes.
    #expect(try TraceReader.records(file: Self.sample("apex-sample.jsonl"), format: nil).blockHashes == nil)
    // Rows without hash_ids have empty chains; a trace with none has no hashes.
    let none = try temporary(
      "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n", suffix: ".jsonl")
    defer { try? FileManager.default.removeItem(atPath: none) }
    #expect(try TraceReader.records(file: none, format: nil).blockHashes == nil)
  }

  @Test func malformedHashIDsNameTheLine() throws {
    let words = try error(
      "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [1]}\n{\"timestamp\": 1, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": [1, \"x\"]}\n",
      suffix: ".jsonl")
    #expect(words?.line == 2 && words?.message.contains("hash_ids") == true)
    let scalar = try error(
      "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1, \"hash_ids\": 7}\n", suffix: ".jsonl")
    #expect(scalar?.line == 1 && scalar?.message.contains("array") == true)
  }

  @Test func mooncakeReplayHitsThePrefixCache() throws {
    let workload = """
      name: replay
      arrival: {process: trace}
      trace: {file: \(Self.sample("mooncake-sample.jsonl"))}
      """
    let plan = TempPlan.plan.replacingOccurrences(
      of: "scheduler: {max_num_batched_tokens: 512}",
      with: "scheduler: {max_num_batched_tokens: 512, prefix_caching: true}")
    let files = try TempPlan(workload: workload, plan: plan)
    defer { files.remove() }
    let spec = try PlanLoader.load(path: files.planPath)
    var simulator = try Simulator(plan: spec, checkInvariants: true)
    let result = try simulator.run()
    // Row 12 finds the two 512-token blocks row 6 computed (hashes 0 and 1).
    #expect(result.requests[12].cachedTokens == 1024)
    #expect(result.prefixHitTokens == 1024)
    #expect(result.prefixLookupTokens == Int(spec.workload.trace?.inputTokens.reduce(0, +) ?? 0))
    // block_tokens resizes the hashed blocks; shared_prefix cannot be added.
    let small = try TempPlan(
      workload: workload.replacingOccurrences(of: ".jsonl}", with: ".jsonl, block_tokens: 256}"), plan: plan)
    defer { small.remove() }
    #expect(try PlanLoader.load(path: small.planPath).workload.trace?.blockHashes?.blockTokens == 256)
    let both = try TempPlan(workload: workload + "\nshared_prefix: {tokens: 64}\n", plan: plan)
    defer { both.remove() }
    let error = #expect(throws: ConfigError.self) { try PlanLoader.load(path: both.planPath) }
    #expect(error?.keyPath == "shared_prefix")
  }

  @Test func azureTimestampsAreRelativeToTheFirstRow() throws {
    let trace = try TraceReader.records(file: Self.sample("azure-llm-2023-code-sample.csv"), format: .azure)
    let vidur = try TraceReader.records(
      file: Self.samples + "/../traces/azure-llm-2023-code.csv", format: nil)
    for (a, b) in zip(trace.arrivals, vidur.arrivals.prefix(20)) { #expect(abs(a - b) < 1e-6) }
    #expect(trace.inputTokens.first == 4808)
  }

  @Test func dateTimesParse() {
    #expect(DateTimeText.seconds("1970-01-01 00:00:00")?.0 == 0)
    #expect(DateTimeText.seconds("2023-11-16T18:15:46Z")?.0 == 1_700_158_546)
    let zoned = DateTimeText.seconds("2023-11-16 18:15:46.5+01:00")?.0
    #expect(zoned == Int64(1_700_154_946))
    #expect(DateTimeText.seconds("2023-11-16 18:15:46.5")?.1 == 0.5)
    for bad in [
      "", "2023-13-01 00:00:00", "2023-11-16", "2023-11-16 18:15:46.", "2023-11-16 18:15:46 x", "tomorrow",
    ] {
      #expect(DateTimeText.seconds(bad) == nil, "\(bad)")
    }
  }

  @Test func burstGPTSkipsFailedRequests() throws {
    let trace = try TraceReader.records(file: Self.sample("burstgpt-sample.csv"), format: nil)
    #expect(!trace.outputTokens.contains(0))
    #expect(trace.count == 19)
  }

  @Test func malformedRowsNameFileAndLine() throws {
    let badTime = try error(
      "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.1,10,2\nyesterday,10,2\n")
    #expect(badTime?.line == 3)
    #expect(badTime?.message.contains("date and time") == true)
    let badTokens = try error("arrived_at,num_prefill_tokens,num_decode_tokens\n0,10,2\n1,ten,2\n")
    #expect(badTokens?.line == 3)
    #expect(badTokens?.message.contains("num_prefill_tokens") == true)
    let short = try error("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n1,m,3\n")
    #expect(short?.line == 2)
    let backwards = try error("arrived_at,num_prefill_tokens,num_decode_tokens\n5,10,2\n\n1,10,2\n")
    #expect(backwards?.line == 4)
    let json = try error(
      "{\"StartTimeOffset\": 0, \"ContextTokens\": 5, \"GeneratedTokens\": 1}\n{\"StartTimeOffset\": 1, \"ContextTokens\": 5\n",
      suffix: ".jsonl")
    #expect(json?.line == 2)
    let missingKey = try error(
      "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n{\"timestamp\": 3, \"input_length\": 5}\n",
      suffix: ".jsonl")
    #expect(missingKey?.line == 2 && missingKey?.message.contains("output_length") == true)
    let unknown = try error("when,prompt,output\n1,2,3\n")
    #expect(unknown?.line == 1 && unknown?.message.contains("vidur") == true)
    let wrongFormat = try error("arrived_at,num_prefill_tokens,num_decode_tokens\n0,1,1\n", format: .mooncake)
    #expect(wrongFormat?.message.contains("JSON lines") == true)
    let empty = try error("\n\n")
    #expect(empty?.message.contains("empty") == true)
    let headerOnly = try error("arrived_at,num_prefill_tokens,num_decode_tokens\n")
    #expect(headerOnly?.message.contains("no rows") == true)
  }

  @Test func quotedFieldsAndCRLFAreRead() throws {
    let path = try temporary(
      "\u{FEFF}Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\r\n0.5,\"gpt, 4\",12,3,15,API log\r\n"
    )
    defer { try? FileManager.default.removeItem(atPath: path) }
    let trace = try TraceReader.records(file: path, format: nil)
    #expect(trace.count == 1 && trace.inputTokens == [12] && trace.outputTokens == [3])
  }

  @Test func rateRescalesArrivals() throws {
    let trace = try TraceReader.records(file: Self.sample("apex-sample.jsonl"), format: nil)
    let scale = try #require(TraceReader.timeScale(for: trace, rate: 10))
    let span = (trace.arrivals.last ?? 0) * scale
    #expect(abs(Double(trace.count - 1) / span - 10) < 1e-9)
    let one = TraceRecords(arrivals: [0], inputTokens: [1], outputTokens: [1])
    #expect(TraceReader.timeScale(for: one, rate: 10) == nil)
  }

  @Test func aWorkloadNamesFormatAndRate() throws {
    let workload = """
      name: replay
      arrival: {process: trace}
      trace: {file: \(Self.sample("mooncake-sample.jsonl")), format: mooncake, rate_per_s: 2}
      """
    let files = try TempPlan(workload: workload)
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    #expect(plan.workload.trace?.count == 20)
    #expect(plan.workload.traceTimeScale > 0)
    let both = """
      name: replay
      arrival: {process: trace}
      trace: {file: \(Self.sample("mooncake-sample.jsonl")), time_scale: 2, rate_per_s: 2}
      """
    let bad = try TempPlan(workload: both)
    defer { bad.remove() }
    let error = #expect(throws: ConfigError.self) { try PlanLoader.load(path: bad.planPath) }
    #expect(error?.keyPath == "trace.rate_per_s")
    let wrongName = try TempPlan(
      workload: both.replacingOccurrences(of: "time_scale: 2, rate_per_s: 2", with: "format: mooncak"))
    defer { wrongName.remove() }
    let nameError = #expect(throws: ConfigError.self) { try PlanLoader.load(path: wrongName.planPath) }
    #expect(nameError?.keyPath == "trace.format")
    #expect(nameError?.message.contains("mooncake") == true)
  }
}
