import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// A bounded fuzz test: thousands of mutated copies of the shipped YAML files,
/// Hugging Face configs and trace files, generated from a fixed seed. Each
/// must load or fail with a `ConfigError`; a plan that loads is simulated (a
/// few requests) and its summary must hold finite numbers only. A crash ends
/// the test process, so reaching the end is the check that nothing crashed.
///
/// `SERVESIM_FUZZ_INPUTS=N` runs N inputs instead of the default, and
/// `SERVESIM_FUZZ_SEED=S` another seed; the input being tried is kept in
/// `$TMPDIR/servesim-fuzz-last-PID/` so a crash can be reproduced.
@Suite struct FuzzTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let defaultInputs = 3000
  /// Loaded plans simulated at most, and requests each.
  static let simulations = 300
  static let requests = 12

  /// The seeded generator (SplitMix64) the mutations draw from.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
  }

  /// What a mutated file is loaded as.
  enum Target {
    case plan(String)
    case model(String)
    case device
    case cluster(String)
    case workload(String)
    case trace(String)
  }

  static let values = [
    "0", "-1", "1e308", "-1e308", "9223372036854775807", "99999999999999999999", ".nan", ".inf", "-.inf",
    "nan", "1.5", "0.0000001", "abc", "", "null", "~", "true", "[1, 2]", "{a: 1}", "4096", "1", "2",
    "2147483647", "-0", "0x10", "1_000", "\"\"",
  ]
  static let junk = [
    ":", "{", "}", "[", "]", "- ", "#", "&a ", "*a", "!", "\t", "'", "\"", ",", "\n", "%", "|", ">", "\u{0}",
    "\u{FEFF}", "é", "\\", "?", "@", "`",
  ]

  /// Mutates `text` one to three times.
  static func mutate(_ text: String, _ g: inout Generator) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for _ in 0...g.below(3) {
      guard !lines.isEmpty else { break }
      let i = g.below(lines.count)
      switch g.below(9) {
      case 0, 1, 2:
        // Replace a number (or the value after a colon) with an extreme.
        let line = Array(lines[i])
        var runs = [Range<Int>]()
        var j = 0
        while j < line.count {
          if line[j].isNumber {
            var k = j
            while k < line.count, line[k].isNumber || line[k] == "." || line[k] == "e" || line[k] == "-" {
              k += 1
            }
            runs.append(j..<k)
            j = k
          } else {
            j += 1
          }
        }
        if let run = runs.isEmpty ? nil : g.pick(runs) {
          lines[i] = String(line[..<run.lowerBound]) + g.pick(values) + String(line[run.upperBound...])
        } else if let colon = lines[i].firstIndex(of: ":") {
          lines[i] = String(lines[i][...colon]) + " " + g.pick(values)
        }
      case 3: lines.remove(at: i)
      case 4: lines.insert(lines[i], at: i)
      case 5:
        let j = g.below(lines.count)
        lines.swapAt(i, j)
      case 6:
        var chars = Array(lines[i])
        chars.insert(contentsOf: g.pick(junk), at: g.below(chars.count + 1))
        lines[i] = String(chars)
      case 7:
        // Misspell a key.
        if let colon = lines[i].firstIndex(of: ":"), colon > lines[i].startIndex {
          var key = Array(lines[i][..<colon])
          key.remove(at: g.below(key.count))
          lines[i] = String(key) + String(lines[i][colon...])
        }
      default:
        let all = lines.joined(separator: "\n")
        return String(all.prefix(g.below(all.count + 1)))
      }
    }
    return lines.joined(separator: "\n")
  }

  /// A copy of the shipped inputs (big traces cut to 300 rows) with the HF
  /// configs and trace samples, and small plans that name each file.
  static func corpus() throws -> (folder: String, targets: [(String, Target)]) {
    let fm = FileManager.default
    let folder = NSTemporaryDirectory() + "servesim-fuzz-" + UUID().uuidString
    for sub in ["models", "clusters", "workloads", "plans"] {
      try fm.copyItem(atPath: root + "/" + sub, toPath: folder + "/" + sub)
    }
    for trace in (try fm.contentsOfDirectory(atPath: folder + "/workloads/traces"))
    where trace.hasSuffix(".csv") {
      let path = folder + "/workloads/traces/" + trace
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let head = text.split(separator: "\n").prefix(301).joined(separator: "\n") + "\n"
      try head.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let hf = root + "/Tests/ServeSimIOTests/Fixtures/hf"
    try fm.createDirectory(atPath: folder + "/models/hf", withIntermediateDirectories: true)
    for config in try fm.contentsOfDirectory(atPath: hf) where config.hasSuffix(".json") {
      try fm.copyItem(atPath: hf + "/" + config, toPath: folder + "/models/hf/" + config)
    }
    var targets = [(String, Target)]()
    func yamls(_ sub: String) throws -> [String] {
      try fm.contentsOfDirectory(atPath: folder + "/" + sub).filter { $0.hasSuffix(".yaml") }.sorted()
    }
    for plan in try yamls("plans") where !plan.hasPrefix("search") {
      targets.append(("plans/" + plan, .plan("plans/" + plan)))
    }
    for model in try yamls("models") { targets.append(("models/" + model, .model("../models/" + model))) }
    for config in try fm.contentsOfDirectory(atPath: folder + "/models/hf").sorted()
    where config.hasSuffix(".json") {
      targets.append(("models/hf/" + config, .model("../models/hf/" + config)))
    }
    targets.append(("clusters/devices/h100-sxm.yaml", .device))
    for cluster in try yamls("clusters") {
      targets.append(("clusters/" + cluster, .cluster("../clusters/" + cluster)))
    }
    for workload in try yamls("workloads") {
      targets.append(("workloads/" + workload, .workload("../workloads/" + workload)))
    }
    for sample in try fm.contentsOfDirectory(atPath: folder + "/workloads/samples").sorted()
    where !sample.hasSuffix(".md") {
      targets.append(("workloads/samples/" + sample, .trace("samples/" + sample)))
    }
    targets.append(("workloads/traces/azure-llm-2023-code.csv", .trace("traces/azure-llm-2023-code.csv")))
    return (folder, targets)
  }

  /// The plan that loads `target`: the file itself, or a small plan naming it.
  static func planPath(_ target: Target, folder: String) throws -> String {
    var model = "../models/llama-3.1-8b.yaml"
    var cluster = "../clusters/dgx-h100.yaml"
    var workload = "../workloads/short-chat.yaml"
    var tensor = 1
    var extra = ""
    switch target {
    case .plan(let path): return folder + "/" + path
    case .model(let path):
      model = path
      tensor = 8
    case .device: break
    case .cluster(let path): cluster = path
    case .workload(let path): workload = path
    case .trace(let file):
      workload = "../workloads/fuzz-trace.yaml"
      try """
      name: fuzz-trace
      arrival: {process: trace}
      trace: {file: \(file)}
      """.write(toFile: folder + "/workloads/fuzz-trace.yaml", atomically: true, encoding: .utf8)
      // Mooncake's hash_ids drive the prefix cache and the cache-aware router.
      extra = "scheduler: {prefix_caching: true}\nrouter: prefix-affinity\n"
      tensor = 0
    }
    let plan = """
      name: fuzz
      model: \(model)
      cluster: \(cluster)
      workload: \(workload)
      parallelism: {\(tensor > 0 ? "tensor: \(tensor)" : "data: 2")}
      seed: 1

      """ + extra
    try plan.write(toFile: folder + "/plans/fuzz.yaml", atomically: true, encoding: .utf8)
    return folder + "/plans/fuzz.yaml"
  }

  /// The Double fields of a summary that are not finite, by name.
  static func nonFinite(_ summary: Summary) -> [String] {
    var bad = [String]()
    func walk(_ value: Any, _ path: String) {
      if let d = value as? Double {
        if !d.isFinite { bad.append(path) }
        return
      }
      for child in Mirror(reflecting: value).children {
        walk(child.value, path.isEmpty ? (child.label ?? "?") : path + "." + (child.label ?? "?"))
      }
    }
    walk(summary, "")
    return bad
  }

  @Test func mutatedInputsNeverCrashHangOrGiveNonFiniteNumbers() throws {
    let env = ProcessInfo.processInfo.environment
    let count = env["SERVESIM_FUZZ_INPUTS"].flatMap { Int($0) } ?? Self.defaultInputs
    var g = Generator(state: env["SERVESIM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_127)
    let (folder, targets) = try Self.corpus()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let keep = NSTemporaryDirectory() + "servesim-fuzz-last-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: keep) }
    var originals = [String: String]()
    for (file, _) in targets {
      originals[file] = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
    }
    var loaded = 0
    var rejected = 0
    var simulated = 0
    var infeasible = 0
    var problems = [String]()
    for index in 0..<count {
      let (file, target) = g.pick(targets)
      let original = originals[file] ?? ""
      let mutated = Self.mutate(original, &g)
      let path = folder + "/" + file
      try mutated.write(toFile: path, atomically: false, encoding: .utf8)
      try? mutated.write(toFile: keep + "/input.txt", atomically: false, encoding: .utf8)
      try? "\(index) \(file)\n".write(toFile: keep + "/target.txt", atomically: false, encoding: .utf8)
      defer { try? original.write(toFile: path, atomically: false, encoding: .utf8) }
      if case .trace = target {
        _ = try? TraceReader.records(file: path, format: nil)
      }
      let planFile = try Self.planPath(target, folder: folder)
      var plan: PlanSpec
      do {
        plan = try PlanLoader.load(path: planFile)
        loaded += 1
      } catch {
        rejected += 1
        if error.message.isEmpty { problems.append("\(file): empty error message") }
        continue
      }
      guard simulated < Self.simulations else { continue }
      plan.workload.requests = min(plan.workload.requests ?? Self.requests, Self.requests)
      do {
        var simulator = try Simulator(plan: plan, checkInvariants: true)
        let result = try simulator.run()
        simulated += 1
        let bad = Self.nonFinite(Summary(result))
        if !bad.isEmpty { problems.append("\(file) (input \(index)): non-finite \(bad)") }
        let csv = String(decoding: Reports.summaryCSV(Summary(result), result: result), as: UTF8.self)
        // Every field after the plan's name is a number or empty.
        let row = csv.split(separator: "\n").last ?? ""
        let numbers = CSVTable.fields(ArraySlice(row.utf8)).dropFirst()
        if numbers.contains(where: { !$0.isEmpty && !(Double($0)?.isFinite ?? false) }) {
          problems.append("\(file) (input \(index)): summary.csv holds a non-finite number")
        }
      } catch {
        switch error {
        case .doesNotFit, .invalidPlan: infeasible += 1
        default: problems.append("\(file) (input \(index)): \(error)")
        }
      }
    }
    print(
      "fuzz: \(count) mutated inputs, \(loaded) loaded, \(rejected) rejected with a ConfigError, \(simulated) simulated, \(infeasible) infeasible"
    )
    #expect(problems.isEmpty, "\(problems.prefix(10))")
    #expect(loaded + rejected == count)
  }

  /// Keys `--set` may reach on the quickstart plan (plan, model, workload,
  /// cluster and device keys), for the override fuzz.
  static let overrideKeys = [
    "parallelism.data", "parallelism.tensor", "parallelism.pipeline", "parallelism.expert",
    "parallelism.stage_layers", "parallelism.expert_imbalance", "precision.weights", "precision.kv_cache",
    "scheduler.policy", "scheduler.max_num_seqs", "scheduler.max_num_batched_tokens",
    "scheduler.chunked_prefill", "scheduler.block_size", "scheduler.memory_utilization",
    "scheduler.prefix_caching", "router", "engine", "slo.ttft_ms", "slo.percentile", "seed",
    "model.layers", "model.hidden_size", "model.heads", "model.kv_heads", "model.head_dim",
    "model.intermediate_size", "model.vocab_size", "model.max_context", "model.moe",
    "workload.requests", "workload.duration_s", "workload.arrival.rate_per_s", "workload.arrival.process",
    "workload.arrival.cv", "workload.arrival.concurrency", "workload.input_tokens.distribution",
    "workload.input_tokens.max", "workload.output_tokens", "workload.shared_prefix",
    "cluster.nodes", "cluster.devices_per_node", "cluster.intra_node.bandwidth_gbps",
    "cluster.device.memory_gb", "cluster.device.memory_bandwidth_gbps", "cluster.device.peak_tflops.bf16",
    "cluster.device.efficiency.compute", "cluster.device.power_w.idle",
  ]
  static let overrideValues =
    values + [
      "gamma", "closed", "offline", "static", "orca", "sarathi", "fp8", "int4", "sglang", "mindie",
      "least-kv", "prefix-affinity", "{tokens: 512, groups: 4}", "{distribution: fixed, value: 1}",
      "{experts: 8, experts_per_token: 2, expert_intermediate_size: 1024}", "[16, 16]", "0.5", "1e-300",
    ]

  @Test func randomOverridesNeverCrashOrGiveNonFiniteNumbers() throws {
    let count = ProcessInfo.processInfo.environment["SERVESIM_FUZZ_INPUTS"].flatMap { Int($0) } ?? 800
    var g = Generator(state: 6_400_064)
    // The copy's traces are cut to 300 rows, so a load costs little.
    let (folder, _) = try Self.corpus()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var problems = [String]()
    var simulated = 0
    var rejected = 0
    for index in 0..<count {
      var overrides = [Override]()
      for _ in 0...g.below(2) {
        let text = g.pick(Self.overrideKeys) + "=" + g.pick(Self.overrideValues)
        if let o = try? Override(parsing: text) { overrides.append(o) }
      }
      var plan: PlanSpec
      do {
        plan = try PlanLoader.load(path: folder + "/plans/quickstart.yaml", overrides: overrides)
      } catch {
        rejected += 1
        continue
      }
      guard simulated < 150 else { continue }
      plan.workload.requests = min(plan.workload.requests ?? Self.requests, Self.requests)
      do {
        var simulator = try Simulator(plan: plan, checkInvariants: true)
        let result = try simulator.run()
        simulated += 1
        let bad = Self.nonFinite(Summary(result))
        if !bad.isEmpty { problems.append("override input \(index) \(overrides): non-finite \(bad)") }
      } catch {
        switch error {
        case .doesNotFit, .invalidPlan: break
        default: problems.append("override input \(index) \(overrides): \(error)")
        }
      }
    }
    print("override fuzz: \(count) inputs, \(rejected) rejected with a ConfigError, \(simulated) simulated")
    #expect(problems.isEmpty, "\(problems.prefix(10))")
  }
}
