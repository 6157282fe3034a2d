import ServeSim

/// The host suite: llama.cpp's `llama-server` measured on the development
/// machine by `scripts/llamacpp-compare` (validation/host/, see
/// validation/README.md).
extension ValidationSuite {
  /// The cluster file stem the host suite replays on: the machine it was
  /// measured on (AMD EPYC Zen 4, 2 cores), whose device file names the store
  /// of ggml's matrix products timed on it.
  static let hostCluster = "epyc-2c-host"

  /// Reads `scripts/llamacpp-compare`'s table: one experiment per weight
  /// type, slot count and prompt length, as the script ran it. `-np SLOTS -c
  /// SLOTS·pad256(prompt + output) --no-kv-unified -t THREADS`, and a closed
  /// loop of SLOTS clients of fixed lengths whose first request each is a
  /// warm-up. Measured: mean TTFT and TPOT.
  static func llamaCppHost(_ table: CSVTable, into suite: inout ValidationSuite) {
    let name = "llamacpp-host"
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      guard let slots = row.int("slots"), slots > 0, let prompt = row.int("prompt"), prompt > 0,
        let output = row.int("output"), output > 0, let ttft = row.double("ttft_ms"),
        let tpot = row.double("tpot_ms")
      else {
        suite.skip(name, "a row without slots, lengths or timings")
        continue
      }
      let weights: DType
      switch row["weights"] {
      case "f32": weights = .fp32
      case "f16": weights = .fp16
      case "bf16": weights = .bf16
      case "q8_0": weights = .q8_0
      case "q4_0": weights = .q4_0
      default:
        suite.skip(name, "weight type not modelled: \(row["weights"])")
        continue
      }
      var options = LlamaCppOptions()
      options.parallel = slots
      options.ctxSize = slots * LlamaCppOptions.pad256(prompt + output)
      options.threads = row.int("threads")
      options.kvUnified = false
      let perClient = row.int("requests_per_client") ?? 3
      var experiment = ValidationExperiment(
        suite: name, id: "\(row["weights"])/slots\(slots)/\(prompt)x\(output)", model: "llama-3.2-1b",
        gpu: "EPYC (2 cores)", engine: .llamacpp, engineVersion: "llama-cpp-python 0.3.36",
        precision: Precision(weights: weights, activations: .fp32, kvCache: .fp16),
        parallelism: Parallelism(), inputTokens: .fixed(prompt), outputTokens: .fixed(output),
        arrival: .closed(concurrency: slots, thinkTime: 0), requests: slots * perClient,
        warmupRequests: slots, measured: [(.ttftMeanMs, ttft), (.tpotMeanMs, tpot)])
      experiment.llamaCpp = options
      suite.add(experiment, cluster: hostCluster)
    }
  }
}
