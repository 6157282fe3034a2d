import Foundation
import ServeSim

/// The CSV reports of a simulation, laid out as the report contract says.
public enum Reports {
  public static let summaryColumns = [
    "plan", "requests", "completed", "duration_s", "req_per_s", "input_tok_per_s",
    "output_tok_per_s", "ttft_mean_ms", "ttft_p50_ms", "ttft_p90_ms", "ttft_p99_ms",
    "tpot_mean_ms", "tpot_p50_ms", "tpot_p90_ms", "tpot_p99_ms", "itl_p50_ms", "itl_p99_ms",
    "e2e_mean_ms", "e2e_p50_ms", "e2e_p90_ms", "e2e_p99_ms", "queue_mean_ms", "slo_attainment",
    "goodput_req_per_s", "preemptions", "kv_util_mean", "mfu", "energy_j_per_output_tok",
    "usd_per_m_output_tok", "devices",
    // Beyond the contract's first columns:
    "dropped", "iterations", "kv_cache_tokens", "seed",
    "time_share_measured", "time_share_fitted", "time_share_datasheet", "device_util",
    "prefill_pool_util", "decode_pool_util", "prefix_hit_rate", "dropped_context_too_long",
    "dropped_exceeds_kv_cache", "prefix_hit_rate_device", "prefix_hit_rate_host",
    "offload_blocks_stored", "offload_blocks_loaded", "offload_gb_stored", "offload_gb_loaded",
    "offload_load_s",
  ]

  public static let requestColumns = [
    "id", "arrival_s", "input_tokens", "output_tokens", "replica", "first_token_s",
    "completion_s", "ttft_ms", "tpot_ms", "e2e_ms", "preemptions", "status",
  ]

  public static let iterationColumns = [
    "replica", "stage", "start_s", "duration_ms", "prefill_tokens", "decode_tokens",
    "batch_size", "kv_blocks_used",
  ]

  static func header(_ columns: [String], _ b: inout CSVBuffer) {
    b.text(columns.joined(separator: ","))
    b.newline()
  }

  public static func summaryCSV(_ s: Summary, result: SimulationResult) -> [UInt8] {
    var b = CSVBuffer(capacity: 1024)
    header(summaryColumns, &b)
    b.field(s.plan)
    for v in [s.requests, s.completed] {
      b.comma()
      b.int(v)
    }
    let ms = [
      s.ttft.mean, s.ttft.p50, s.ttft.p90, s.ttft.p99, s.tpot.mean, s.tpot.p50, s.tpot.p90,
      s.tpot.p99, s.itl.p50, s.itl.p99, s.e2e.mean, s.e2e.p50, s.e2e.p90, s.e2e.p99, s.queue.mean,
    ]
    for (v, d) in [(s.durationS, 6), (s.reqPerS, 4), (s.inputTokPerS, 2), (s.outputTokPerS, 2)] {
      b.comma()
      b.fixed(v, d)
    }
    for v in ms {
      b.comma()
      b.fixed(v, 3)
    }
    b.comma()
    b.fixed(s.sloAttainment, 4)
    b.comma()
    b.fixed(s.goodputReqPerS, 4)
    b.comma()
    b.int(s.preemptions)
    b.comma()
    b.fixed(s.kvUtilMean, 4)
    b.comma()
    b.fixed(s.mfu, 4)
    b.comma()
    b.fixed(s.energyJPerOutputTok, 4)
    b.comma()
    b.fixed(s.usdPerMOutputTok, 4)
    for v in [s.devices, s.dropped, s.iterations, result.memory.kvTokens] {
      b.comma()
      b.int(v)
    }
    b.comma()
    b.int(Int64(bitPattern: result.plan.seed))
    for v in [s.timeShareMeasured, s.timeShareFitted, s.timeShareDatasheet, s.deviceUtilization] {
      b.comma()
      b.fixed(v, 4)
    }
    for v in [s.prefillPoolUtilization, s.decodePoolUtilization, s.prefixHitRate] {
      b.comma()
      if let v { b.fixed(v, 4) }
    }
    for v in [s.drops.contextTooLong, s.drops.exceedsKVCache] {
      b.comma()
      b.int(v)
    }
    offloadColumns(s, &b)
    b.newline()
    return b.bytes
  }

  public static func requestsCSV(_ result: SimulationResult) -> [UInt8] {
    var b = CSVBuffer(capacity: result.requests.count * 80 + 256)
    header(requestColumns, &b)
    for (id, r) in result.requests.enumerated() { requestRow(r, id: id, &b) }
    return b.bytes
  }

  /// One row of `requests.csv`.
  static func requestRow(_ r: RequestRecord, id: Int, _ b: inout CSVBuffer) {
    b.int(id)
    b.comma()
    b.fixed(r.arrival, 6)
    b.comma()
    b.int(r.inputTokens)
    b.comma()
    b.int(r.outputTokens)
    b.comma()
    if r.replica >= 0 { b.int(r.replica) }
    b.comma()
    if r.firstToken >= 0 { b.fixed(r.firstToken, 6) }
    b.comma()
    if r.completion >= 0 { b.fixed(r.completion, 6) }
    b.comma()
    if let ttft = r.ttft { b.fixed(ttft * 1000, 3) }
    b.comma()
    if let tpot = r.tpot { b.fixed(tpot * 1000, 3) }
    b.comma()
    if let e2e = r.e2e { b.fixed(e2e * 1000, 3) }
    b.comma()
    b.int(r.preemptions)
    b.comma()
    switch r.status {
    case .finished: b.text("finished")
    case .dropped: b.text(r.dropReason.label)
    default: b.text("unfinished")
    }
    b.newline()
  }

  public static func iterationsCSV(_ result: SimulationResult) -> [UInt8] {
    var b = CSVBuffer(capacity: result.iterations.count * 48 + 256)
    header(iterationColumns, &b)
    for it in result.iterations { iterationRow(it, &b) }
    return b.bytes
  }

  /// One row of `iterations.csv`.
  static func iterationRow(_ it: IterationRecord, _ b: inout CSVBuffer) {
    b.int(it.replica)
    b.comma()
    b.int(it.stage)
    b.comma()
    b.fixed(it.start, 6)
    b.comma()
    b.fixed(it.duration * 1000, 4)
    b.comma()
    b.int(it.prefillTokens)
    b.comma()
    b.int(it.decodeTokens)
    b.comma()
    b.int(it.batchSize)
    b.comma()
    b.int(it.kvBlocksUsed)
    b.newline()
  }

  /// Writes the three reports into `directory` (created if missing). Each file
  /// is written to a temporary name first and renamed only when all are
  /// written, so an interrupted run leaves no half-written report.
  ///
  /// - Returns: the paths written.
  public static func write(_ result: SimulationResult, summary: Summary, to directory: String)
    throws -> [String]
  {
    let files: [(String, [UInt8])] = [
      ("summary.csv", summaryCSV(summary, result: result)),
      ("requests.csv", requestsCSV(result)),
      ("iterations.csv", iterationsCSV(result)),
    ]
    return try AtomicWriter.write(files, to: directory)
  }
}
