import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// Leaping over quiet decode stretches (`DecodeLeap`) must not change a
/// report by one byte: every shipped plan and a corpus of fuzzed plans run
/// with and without it, and their summary, requests and iterations CSVs are
/// compared.
///
/// `SERVESIM_LEAP_PLANS=N` runs N fuzzed plans instead of the default
/// (`scripts/check-leap` runs 500), `SERVESIM_LEAP_SEED=S` another seed.
@Suite struct LeapTests {
  static let root = FuzzTests.root
  static let defaultPlans = 150

  /// The three CSV reports of `plan`, simulated with or without leaps
  /// (invariants checked after every event when leaping).
  static func reports(_ plan: PlanSpec, leap: Bool) throws(SimulationError) -> [UInt8] {
    var simulator = try Simulator(plan: plan, checkInvariants: leap, leap: leap)
    let result = try simulator.run()
    return Reports.summaryCSV(Summary(result), result: result) + Reports.requestsCSV(result)
      + Reports.iterationsCSV(result)
  }

  /// Whether leaping gives the same bytes as stepping; nil when the plan
  /// cannot run.
  static func same(_ plan: PlanSpec) throws -> Bool? {
    let stepped: [UInt8]
    do {
      stepped = try reports(plan, leap: false)
    } catch {
      switch error {
      case .doesNotFit, .invalidPlan: return nil
      default: throw error
      }
    }
    return try reports(plan, leap: true) == stepped
  }

  @Test func shippedPlansGiveTheSameReportsWithAndWithoutLeaps() throws {
    let plans = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/plans")
      .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("search") }.sorted()
    #expect(plans.count >= 12)
    for file in plans {
      var plan = try PlanLoader.load(path: Self.root + "/plans/" + file)
      // Long enough for queues, preemptions and stretches; short enough for a unit test.
      plan.workload.requests = min(plan.workload.requests ?? 400, 400)
      plan.workload.durationS = nil
      #expect(try Self.same(plan) == true, "\(file)")
    }
  }

  /// Overrides that make stretches start, end and break: every policy, tight
  /// KV caches (preemption), small token budgets, block sizes, pipelines,
  /// data parallelism and routers, prefix caches, closed loops and bursts.
  static let choices: [(String, [String])] = [
    ("scheduler.policy", ["vllm", "sarathi", "orca", "static", "sglang", "trtllm"]),
    ("engine", ["vllm", "sglang", "trtllm"]),
    ("scheduler.chunked_prefill", ["true", "false"]),
    ("scheduler.max_num_seqs", ["1", "3", "16", "64", "256"]),
    ("scheduler.max_num_batched_tokens", ["4", "48", "512", "2048", "8192"]),
    ("scheduler.block_size", ["1", "8", "16", "32"]),
    ("scheduler.memory_utilization", ["0.3", "0.6", "0.9"]),
    ("scheduler.prefix_caching", ["true", "false"]),
    ("scheduler.kv_offload", ["{capacity_gb: 0.001}", "{capacity_gb: 1, latency_us: 20000}"]),
    ("cluster.device.memory_gb", ["17", "18", "20", "40"]),
    ("parallelism.data", ["1", "2", "3"]),
    ("parallelism.pipeline", ["1", "2"]),
    ("router", ["round-robin", "least-outstanding", "least-kv", "prefix-affinity"]),
    ("workload.arrival.rate_per_s", ["1", "8", "40", "400"]),
    ("workload.arrival.process", ["poisson", "gamma", "offline"]),
    ("workload.arrival.concurrency", ["4", "32"]),
    ("workload.shared_prefix", ["{tokens: 512, groups: 4}", "{tokens: 37, groups: 2}"]),
    (
      "workload.output_tokens",
      ["{distribution: fixed, value: 1}", "{distribution: uniform, min: 1, max: 400}"]
    ),
    ("workload.input_tokens", ["{distribution: uniform, min: 1, max: 3000}"]),
    ("model.max_context", ["1024", "4096"]),
    ("workload.warmup_requests", ["3", "12"]),
    ("workload.cold_start", ["true"]),
  ]
  static let bases = [
    "quickstart.yaml", "llama-3.1-8b-h100-prefix-cache.yaml", "llama-3.1-70b-dgx-h100-disagg.yaml",
    "llama-3.1-70b-dgx-h100-dp2-tp4.yaml", "mixtral-8x7b-dgx-h100-ep8.yaml", "llama-3.2-1b-apple-m2.yaml",
    "llama-3.1-8b-h100-kv-offload.yaml",
  ]

  @Test func fuzzedPlansGiveTheSameReportsWithAndWithoutLeaps() throws {
    let env = ProcessInfo.processInfo.environment
    let wanted = env["SERVESIM_LEAP_PLANS"].flatMap { Int($0) } ?? Self.defaultPlans
    var g = FuzzTests.Generator(state: env["SERVESIM_LEAP_SEED"].flatMap { UInt64($0) } ?? 20_261_130)
    let (folder, _) = try FuzzTests.corpus()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var feasible = 0
    var attempts = 0
    var different = [String]()
    while feasible < wanted && attempts < wanted * 20 {
      attempts += 1
      let base = g.pick(Self.bases)
      var overrides = [Override]()
      var texts = [String]()
      for _ in 0...g.below(5) {
        let (key, values) = g.pick(Self.choices)
        let text = key + "=" + g.pick(values)
        if let o = try? Override(parsing: text) {
          overrides.append(o)
          texts.append(text)
        }
      }
      guard var plan = try? PlanLoader.load(path: folder + "/plans/" + base, overrides: overrides) else {
        continue
      }
      plan.workload.requests = 20 + g.below(100)
      plan.workload.durationS = nil
      plan.seed = UInt64(g.below(1000))
      guard let same = try Self.same(plan) else { continue }
      feasible += 1
      if !same { different.append("\(base) \(texts.joined(separator: " ")) seed \(plan.seed)") }
    }
    print("leap fuzz: \(feasible) feasible plans of \(attempts) drawn, \(different.count) different")
    #expect(feasible == wanted)
    #expect(different.isEmpty, "\(different.prefix(10))")
  }

  /// A long quiet stretch crosses block boundaries and ends at the first
  /// completion: the request records come out as stepping leaves them.
  @Test func aStretchBooksTokensBlocksAndGapsAsStepping() throws {
    var plan = try PlanLoader.load(path: Self.root + "/plans/quickstart.yaml")
    plan.workload.requests = 8
    plan.workload.arrival = .offline
    var leaped = try Simulator(plan: plan, checkInvariants: true, leap: true)
    var stepped = try Simulator(plan: plan, checkInvariants: true, leap: false)
    let a = try leaped.run()
    let b = try stepped.run()
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
    #expect(a.itl == b.itl)
  }
}
