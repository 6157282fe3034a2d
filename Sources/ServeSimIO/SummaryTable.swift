import ServeSim

/// A readable summary for the terminal.
public enum SummaryTable {
  public static func render(_ s: Summary, result: SimulationResult) -> String {
    let plan = result.plan
    func f(_ v: Double, _ d: Int) -> String {
      var b = CSVBuffer(capacity: 32)
      b.fixed(v, d)
      return String(decoding: b.bytes, as: UTF8.self)
    }
    func row(_ label: String, _ values: [String]) -> String {
      label.padding(toLength: 14, withPad: " ", startingAt: 0)
        + values.map { $0.leftPadded(10) }.joined()
    }
    var lines = [String]()
    let p = plan.parallelism
    if let d = plan.disaggregation {
      lines.append(
        "plan \(plan.name): \(plan.model.name) disaggregated: \(d.poolsDescription(planExpert: p.expert)), KV over \(d.transferLink.kind); engine \(plan.release), policy \(plan.scheduler.policy.rawValue)"
      )
    } else {
      lines.append(
        "plan \(plan.name): \(plan.model.name) on \(p.devices) x \(plan.cluster.device.name) (data \(p.data), tensor \(p.tensor), pipeline \(p.pipeline), expert \(p.expert)\(p.attentionData > 1 ? ", attention data \(p.attentionData)" : "")), engine \(plan.release), policy \(plan.scheduler.policy.rawValue)"
      )
    }
    lines.append(
      "requests \(s.requests), completed \(s.completed), dropped \(s.dropped)\(dropReasons(s)), preemptions \(s.preemptions), iterations \(s.iterations)"
    )
    lines.append(
      "KV cache \(result.memory.kvTokens) tokens per \(p.attentionData > 1 ? "attention rank" : "replica") (\(result.memory.blocks) blocks of \(plan.scheduler.blockSize))"
    )
    lines.append("")
    lines.append(row("latency (ms)", ["mean", "p50", "p90", "p99"]))
    for (name, stats) in [("TTFT", s.ttft), ("TPOT", s.tpot), ("ITL", s.itl), ("E2E", s.e2e)] {
      lines.append(row(name, [f(stats.mean, 2), f(stats.p50, 2), f(stats.p90, 2), f(stats.p99, 2)]))
    }
    lines.append(row("queue", [f(s.queue.mean, 2), f(s.queue.p50, 2), f(s.queue.p90, 2), f(s.queue.p99, 2)]))
    lines.append("")
    lines.append(
      "throughput \(f(s.reqPerS, 3)) req/s, \(f(s.inputTokPerS, 1)) input tok/s, \(f(s.outputTokPerS, 1)) output tok/s over \(f(s.durationS, 2)) s"
    )
    lines.append(
      "SLO (TTFT \(f(plan.slo.ttftMs, 0)) ms, TPOT \(f(plan.slo.tpotMs, 0)) ms\(plan.slo.headroom > 0 ? ", \(f(plan.slo.headroom * 100, 0))% headroom" : "")): attainment \(f(s.sloAttainment * 100, 1))%, goodput \(f(s.goodputReqPerS, 3)) req/s"
    )
    var utilization = "device utilisation \(f(s.deviceUtilization * 100, 1))%"
    if let pre = s.prefillPoolUtilization, let dec = s.decodePoolUtilization {
      utilization += " (prefill pool \(f(pre * 100, 1))%, decode pool \(f(dec * 100, 1))%)"
    }
    if let hit = s.prefixHitRate { utilization += ", prefix cache hit rate \(f(hit * 100, 1))%" }
    if let length = s.acceptedLength { utilization += ", mean accepted length \(f(length, 2)) tokens/step" }
    lines.append(utilization)
    if let line = offloadLine(s) { lines.append(line) }
    lines.append(
      "MFU \(f(s.mfu * 100, 2))%, KV use \(f(s.kvUtilMean * 100, 1))%, \(f(s.energyJPerOutputTok, 3)) J/output token, $\(f(s.usdPerMOutputTok, 3)) per M output tokens"
    )
    lines.append(costSourceLine(s, calibration: plan.calibration ?? plan.cluster.device.calibration))
    return lines.joined(separator: "\n")
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? " " + self : String(repeating: " ", count: width - count) + self
  }
}

extension SummaryTable {
  /// Where the simulated device time came from, with a warning when most of
  /// it came from the datasheet.
  static func costSourceLine(_ s: Summary, calibration: Calibration?) -> String {
    func percent(_ v: Double) -> String {
      var b = CSVBuffer(capacity: 16)
      b.fixed(v * 100, 1)
      return String(decoding: b.bytes, as: UTF8.self) + "%"
    }
    var line =
      "cost source: measured \(percent(s.timeShareMeasured)), fitted \(percent(s.timeShareFitted)), datasheet \(percent(s.timeShareDatasheet))"
    if let calibration {
      line += " (calibration: \(calibration.device))"
    } else {
      line += " (no calibration store)"
    }
    if s.timeShareDatasheet > 0.5 {
      line +=
        "\nwarning: more than half of the simulated time comes from datasheet figures; calibrate the device (servesim profile) for measured times"
    }
    return line
  }

  /// " (N context too long, M exceed the KV cache)" when requests were dropped.
  static func dropReasons(_ s: Summary) -> String {
    var parts = [String]()
    if s.drops.contextTooLong > 0 {
      parts.append("\(s.drops.contextTooLong) longer than the model's context")
    }
    if s.drops.exceedsKVCache > 0 {
      parts.append("\(s.drops.exceedsKVCache) larger than a replica's KV cache")
    }
    if s.drops.exceedsSlotContext > 0 {
      parts.append("\(s.drops.exceedsSlotContext) prompts longer than a llama.cpp slot's context")
    }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
  }
}
