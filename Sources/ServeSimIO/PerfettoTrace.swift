import ServeSim

/// A simulation as a Chrome trace-event JSON file, which Perfetto
/// (ui.perfetto.dev) and chrome://tracing open.
///
/// Layout: one process per replica (its pipeline stages are its threads) with
/// one complete slice per iteration, named by what the batch did (`prefill`,
/// `decode`, `mixed`) and carrying its composition in `args`; a KV-cache counter
/// per replica and stage (blocks in use and the share of the pool); a
/// `requests` process with counters of queued and running requests and, for
/// the first `requestSliceCap` requests, async slices of each request's life
/// (`queued`, `prefill`, `decode`). Times are microseconds.
public enum PerfettoTrace {
  /// Requests drawn as async slices at most; the counters cover all requests.
  public static let requestSliceCap = 5_000

  /// The trace of `result`.
  ///
  /// - Parameter requestCap: requests drawn as async slices (the first by ID).
  /// - Complexity: O(iterations + requests log requests).
  public static func json(_ result: SimulationResult, requestCap: Int = requestSliceCap) -> [UInt8] {
    var b = CSVBuffer(capacity: result.iterations.count * 190 + result.requests.count * 120 + 4096)
    var first = true
    func open() {
      b.text(first ? "\n" : ",\n")
      first = false
    }
    func micros(_ seconds: Double) { b.fixed(seconds * 1e6, 3) }
    let stages = max(result.plan.parallelism.pipeline, 1)
    let blocksPerStage = Double(max(result.memory.blocks / stages, 1))
    let replicas = Int(result.iterations.map(\.replica).max() ?? -1) + 1
    let requestsPID = replicas + 1
    let drawn = min(requestCap, result.requests.count)

    b.text("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"plan\":")
    string(result.plan.name, &b)
    b.text(",\"requests\":")
    b.int(result.requests.count)
    b.text(",\"request_slices\":")
    string(
      drawn < result.requests.count
        ? "the first \(drawn) of \(result.requests.count) requests are drawn as slices; counters cover all"
        : "every request is drawn", &b)
    b.text("},\"traceEvents\":[")

    // Names: replicas (processes), stages (threads), the requests process.
    for r in 0..<replicas {
      open()
      b.text("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":")
      b.int(r + 1)
      b.text(",\"args\":{\"name\":\"replica \(r)\"}}")
      for s in 0..<stages {
        open()
        b.text("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":")
        b.int(r + 1)
        b.text(",\"tid\":")
        b.int(s)
        b.text(",\"args\":{\"name\":\"stage \(s)\"}}")
      }
    }
    open()
    b.text("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":")
    b.int(requestsPID)
    b.text(",\"args\":{\"name\":\"requests\"}}")

    // Iterations and KV-cache counters.
    for it in result.iterations {
      let kind = it.prefillTokens > 0 ? (it.decodeTokens > 0 ? "mixed" : "prefill") : "decode"
      open()
      b.text("{\"name\":\"\(kind)\",\"cat\":\"iteration\",\"ph\":\"X\",\"pid\":")
      b.int(it.replica + 1)
      b.text(",\"tid\":")
      b.int(it.stage)
      b.text(",\"ts\":")
      micros(it.start)
      b.text(",\"dur\":")
      micros(it.duration)
      b.text(",\"args\":{\"batch_size\":")
      b.int(it.batchSize)
      b.text(",\"prefill_tokens\":")
      b.int(it.prefillTokens)
      b.text(",\"decode_tokens\":")
      b.int(it.decodeTokens)
      b.text(",\"kv_blocks_used\":")
      b.int(it.kvBlocksUsed)
      b.text("}}")
      counter("KV cache stage \(it.stage)", pid: Int(it.replica) + 1, time: it.start, &b, &first) {
        $0.text("\"blocks\":")
        $0.int(it.kvBlocksUsed)
        $0.text(",\"share_pct\":")
        $0.fixed(Double(it.kvBlocksUsed) / blocksPerStage * 100, 2)
      }
    }

    // Queued and running requests over time.
    for step in RequestCounts.steps(result.requests) {
      counter("requests", pid: requestsPID, time: step.time, &b, &first) {
        $0.text("\"queued\":")
        $0.int(step.queued)
        $0.text(",\"running\":")
        $0.int(step.running)
      }
    }

    // Request lifecycles.
    for id in 0..<drawn {
      let r = result.requests[id]
      guard r.status == .finished, r.completion >= r.arrival else { continue }
      let scheduled = r.firstScheduled >= 0 ? r.firstScheduled : r.arrival
      let phases: [(String, Double, Double)] = [
        ("queued", r.arrival, scheduled), ("prefill", scheduled, max(r.firstToken, scheduled)),
        ("decode", max(r.firstToken, scheduled), r.completion),
      ]
      asyncEvent("request \(id)", "b", r.arrival, id, &b, &first, pid: requestsPID) {
        $0.text(",\"args\":{\"input_tokens\":")
        $0.int(r.inputTokens)
        $0.text(",\"output_tokens\":")
        $0.int(r.outputTokens)
        $0.text(",\"replica\":")
        $0.int(r.replica)
        $0.text(",\"preemptions\":")
        $0.int(r.preemptions)
        $0.text("}")
      }
      for (name, start, end) in phases where end > start {
        asyncEvent(name, "b", start, id, &b, &first, pid: requestsPID)
        asyncEvent(name, "e", end, id, &b, &first, pid: requestsPID)
      }
      asyncEvent("request \(id)", "e", r.completion, id, &b, &first, pid: requestsPID)
    }
    b.text("\n]}\n")
    return b.bytes
  }

  /// Appends a counter event at `time` (seconds); `values` writes its named
  /// values (`"name":value,...`).
  static func counter(
    _ name: String, pid: Int, time: Double, _ b: inout CSVBuffer, _ first: inout Bool,
    values: (inout CSVBuffer) -> Void
  ) {
    b.text(first ? "\n" : ",\n")
    first = false
    b.text("{\"name\":\"\(name)\",\"ph\":\"C\",\"pid\":")
    b.int(pid)
    b.text(",\"ts\":")
    b.fixed(time * 1e6, 3)
    b.text(",\"args\":{")
    values(&b)
    b.text("}}")
  }

  static func asyncEvent(
    _ name: String, _ phase: String, _ time: Double, _ id: Int, _ b: inout CSVBuffer,
    _ first: inout Bool, pid: Int, args: ((inout CSVBuffer) -> Void)? = nil
  ) {
    b.text(first ? "\n" : ",\n")
    first = false
    b.text("{\"name\":\"\(name)\",\"cat\":\"request\",\"ph\":\"\(phase)\",\"id\":")
    b.int(id)
    b.text(",\"pid\":")
    b.int(pid)
    b.text(",\"tid\":0,\"ts\":")
    b.fixed(time * 1e6, 3)
    args?(&b)
    b.text("}")
  }

  /// Appends `text` as a JSON string.
  static func string(_ text: String, _ b: inout CSVBuffer) {
    b.text("\"")
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": b.text("\\\"")
      case "\\": b.text("\\\\")
      case "\n": b.text("\\n")
      default:
        if scalar.value < 0x20 {
          b.text("\\u00")
          let hex = Array("0123456789abcdef")
          b.text(String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 15)]))
        } else {
          b.text(String(scalar))
        }
      }
    }
    b.text("\"")
  }
}
