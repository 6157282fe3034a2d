import Testing

@testable import ServeSim

/// The validation library: warm-up requests, the hold-out, replay plans and error statistics.
struct ValidationTests {
  /// A small experiment on the fixture model and cluster.
  static func experiment(
    requests: Int = 12, warmup: Int = 0, arrival: ArrivalProcess = .closed(concurrency: 4, thinkTime: 0)
  ) -> ValidationExperiment {
    ValidationExperiment(
      suite: "test", id: "tiny/c4", model: "tiny", gpu: "round", engine: .vllm, engineVersion: "0.8.5",
      precision: Precision(), parallelism: Parallelism(), inputTokens: .uniform(min: 80, max: 100),
      outputTokens: .fixed(10), arrival: arrival, requests: requests, warmupRequests: warmup,
      measured: [(.outputTokPerS, 1000), (.ttftMeanMs, 5)])
  }

  @Test func warmUpRequestsAreLeftOutOfTheSummary() throws {
    var workload = Fixtures.workload(.closed(concurrency: 2, thinkTime: 0), requests: 10)
    workload.warmupRequests = 4
    let result = try Fixtures.run(Fixtures.plan(workload: workload))
    let summary = Summary(result)
    #expect(summary.requests == 6 && summary.completed == 6)
    let measured = result.requests.dropFirst(4).compactMap(\.ttft)
    #expect(abs(summary.ttft.mean - measured.reduce(0, +) / 6 * 1000) < 1e-9)
    // Duration runs from the first measured arrival, not the first warm-up one.
    let first = result.requests[4].arrival
    let last = result.requests.dropFirst(4).map(\.completion).max() ?? 0
    #expect(abs(summary.durationS - (last - first)) < 1e-12)
  }

  /// Benchmark clients run the warm-up as a phase of its own (vLLM 0.12
  /// benchmarks/serve.py `--num-warmups`): no measured request is sent before
  /// the last warm-up request has ended, and then every client sends at once.
  @Test func warmUpIsAPhaseBeforeTheMeasuredRun() throws {
    var workload = Fixtures.workload(
      .closed(concurrency: 3, thinkTime: 0), requests: 12, output: .uniform(min: 5, max: 40))
    workload.warmupRequests = 5
    let result = try Fixtures.run(Fixtures.plan(workload: workload))
    let warmupEnd = try #require(result.requests.prefix(5).map(\.completion).max())
    let measured = result.requests.dropFirst(5)
    #expect(measured.allSatisfy { $0.arrival >= warmupEnd })
    #expect(measured.prefix(3).allSatisfy { $0.arrival == warmupEnd })
    // At most `concurrency` warm-up requests are in flight: the fourth is sent
    // when one of the first three ends.
    let firstEnd = try #require(result.requests.prefix(3).map(\.completion).min())
    #expect(result.requests[3].arrival == firstEnd)
  }

  /// An open loop's arrivals start when the warm-up phase has ended, the
  /// drawn gaps between them kept.
  @Test func openLoopArrivalsStartAfterTheWarmUp() throws {
    var workload = Fixtures.workload(.poisson(rate: 50), requests: 12)
    let plain = try Fixtures.run(Fixtures.plan(workload: workload))
    workload.warmupRequests = 4
    let result = try Fixtures.run(Fixtures.plan(workload: workload))
    #expect(result.requests.prefix(4).allSatisfy { $0.arrival == 0 })
    let warmupEnd = try #require(result.requests.prefix(4).map(\.completion).max())
    #expect(abs(result.requests[4].arrival - warmupEnd) < 1e-12)
    for i in 5..<12 {
      let gap = result.requests[i].arrival - result.requests[4].arrival
      #expect(abs(gap - (plain.requests[i].arrival - plain.requests[4].arrival)) < 1e-9)
    }
  }

  @Test func theHoldOutIsAStableQuarter() {
    #expect(ValidationExperiment.stableHash("") == 0xcbf2_9ce4_8422_2325)
    #expect(ValidationExperiment.stableHash("a") == 0xaf63_dc4c_8601_ec8c)
    var e = Self.experiment()
    var held = 0
    for i in 0..<1000 {
      e.id = "experiment-\(i)"
      if e.heldOut { held += 1 }
    }
    #expect(held > 200 && held < 300)
  }

  @Test func replayPlanFollowsTheExperiment() {
    var e = Self.experiment(requests: 12, warmup: 3)
    var plan = ValidationReplay.plan(e, model: Fixtures.model, cluster: Fixtures.cluster())
    #expect(!plan.workload.exactRate)
    e.exactRate = true
    plan = ValidationReplay.plan(e, model: Fixtures.model, cluster: Fixtures.cluster())
    #expect(plan.workload.exactRate)
    #expect(plan.workload.requests == 15 && plan.workload.warmupRequests == 3)
    #expect(plan.workload.arrival == .closed(concurrency: 4, thinkTime: 0))
    #expect(plan.engine == .vllm && !plan.scheduler.prefixCaching)
    #expect(plan.scheduler.maxNumBatchedTokens == 2048)  // vLLM's default under 70 GiB
    #expect(plan.validate().isEmpty)
  }

  @Test func replayPredictsEveryMeasuredMetricOrFails() {
    let e = Self.experiment()
    guard
      case .predicted(let values) = ValidationReplay.run(
        e, model: Fixtures.model, cluster: Fixtures.cluster())
    else {
      Issue.record("the tiny experiment should run")
      return
    }
    #expect(values.count == 2 && values.allSatisfy { $0 > 0 })
    let rows = ValidationRow.rows(e, .predicted(values))
    #expect(rows.map(\.metric) == [.ttftMeanMs, .outputTokPerS])
    #expect(rows.allSatisfy { $0.error != nil })
    // A model too large for the device does not fit: no predictions, not zeros.
    var big = Fixtures.model
    big.layers = 2000
    let failed = ValidationReplay.run(e, model: big, cluster: Fixtures.cluster())
    #expect(failed == .failed("does not fit in memory"))
    let failedRows = ValidationRow.rows(e, failed)
    #expect(failedRows.count == 2 && failedRows.allSatisfy { $0.predicted == nil && $0.error == nil })
    #expect(failedRows.allSatisfy { $0.failure == "does not fit in memory" })
  }

  @Test func statisticsTakeMediansOfRelativeErrors() {
    func row(_ measured: Double, _ predicted: Double?, gpu: String = "H100") -> ValidationRow {
      ValidationRow(
        suite: "s", experiment: "e", engine: "trtllm", gpu: gpu, metric: .ttftMeanMs, measured: measured,
        predicted: predicted, heldOut: false)
    }
    let rows = [row(100, 50), row(100, 120), row(100, 90), row(100, nil), row(10, 30, gpu: "A100")]
    let all = ValidationStatistics(rows)
    #expect(all.count == 5 && all.failed == 1)
    // errors -0.5, 0.2, -0.1, 2.0: |e| median (0.2 + 0.5) / 2, signed median (−0.1 + 0.2) / 2
    #expect(abs((all.medianAbsError ?? 0) - 0.35) < 1e-12)
    #expect(abs((all.medianError ?? 0) - 0.05) < 1e-12)
    let groups = ValidationStatistics.byGroup(rows)
    #expect(groups.map(\.gpu) == ["A100", "H100"])
    #expect(groups[1].count == 4 && groups[1].failed == 1)
    #expect(ValidationStatistics([row(100, nil)]).medianAbsError == nil)
  }

  /// The README's table: parts by device family and feature, each engine,
  /// and the whole suite, with medians by kind of figure and held out.
  @Test func partsSplitByDeviceAndFeature() {
    func row(
      _ gpu: String, _ metric: ValidationMetric, _ error: Double, engine: EngineKind = .sglang,
      heldOut: Bool = false, speculative: Bool = false, attentionData: Bool = false
    ) -> ValidationRow {
      var r = ValidationRow(
        suite: "s", experiment: "e", engine: engine.rawValue, gpu: gpu, metric: metric, measured: 100,
        predicted: 100 * (1 + error), heldOut: heldOut)
      r.speculative = speculative
      r.attentionData = attentionData
      return r
    }
    let rows = [
      row("H200", .tpotP50Ms, 0.10), row("H200", .ttftP50Ms, -0.30, heldOut: true),
      row("H200", .outputTokPerS, 0.05), row("H200", .tpotP50Ms, 0.40, speculative: true),
      row("H100", .tpotP50Ms, -0.20, engine: .trtllm, attentionData: true),
      row("B200", .tpotP50Ms, 0.20, engine: .trtllm), row("GB200", .outputTokPerS, 0.30, engine: .trtllm),
      row("MI355X", .ttftP99Ms, 0.50), row("EPYC (2 cores)", .ttftMeanMs, 0.01, engine: .llamacpp),
      row("B300", .ttftP50Ms, 0.40),
      ValidationRow(
        suite: "k", experiment: "k", engine: "nccl", gpu: "H100", metric: .kernelUs, measured: 1,
        predicted: 9, heldOut: false),
    ]
    let parts = ValidationPart.parts(rows)
    #expect(
      parts.map(\.name) == [
        "NVIDIA Hopper / Ampere, no MTP or DP attention", "NVIDIA Hopper / Ampere, speculative (MTP)",
        "NVIDIA Hopper / Ampere, DP attention (DEP)", "NVIDIA Blackwell (B200, GB200)",
        "AMD Instinct (MI300X, MI325X, MI355X)", "llama.cpp on a host CPU",
        "NVIDIA Blackwell Ultra (B300, GB300), nothing fitted", "engine sglang", "engine trtllm",
        "engine llamacpp", "all",
      ])
    let core = parts[0]
    #expect(core.figures == 3 && core.heldOutFigures == 1)
    func near(_ a: Double?, _ b: Double) -> Bool { abs((a ?? .nan) - b) < 1e-9 }
    #expect(near(core.interToken, 0.10) && near(core.throughput, 0.05) && near(core.heldOut, 0.30))
    #expect(near(core.ttft, 0.30) && near(core.all, 0.10))
    #expect(parts[3].figures == 2 && parts[3].ttft == nil)
    // The kernel row is not a served figure.
    #expect(parts[6].figures == 1 && near(parts[6].ttft, 0.40))
    #expect(parts.last?.figures == 10)
  }

  /// Repeated runs of one configuration: their spread about the
  /// configuration's median, and servesim's error on the same figures; a
  /// configuration measured once and the kernel tables are left out.
  @Test func repeatabilityMeasuresTheSpreadOfRepeatedRuns() {
    func row(
      _ run: String, _ configuration: String, _ metric: ValidationMetric, _ measured: Double,
      _ predicted: Double?
    ) -> ValidationRow {
      ValidationRow(
        suite: "s", experiment: "\(configuration)/\(run)", configuration: configuration, engine: "sglang",
        gpu: "H200", metric: metric, measured: measured, predicted: predicted, heldOut: false)
    }
    let rows = [
      // Three runs of "a": TTFT 100, 110, 90 about a median of 100.
      row("1", "a", .ttftP50Ms, 100, 50), row("2", "a", .ttftP50Ms, 110, 110),
      row("3", "a", .ttftP50Ms, 90, 99),
      // Two runs of "a" at p99 (median 300): spreads 1/3 each.
      row("1", "a", .ttftP99Ms, 200, 200), row("2", "a", .ttftP99Ms, 400, 400),
      // "b" was measured once: no spread to take.
      row("1", "b", .ttftP50Ms, 100, 400),
      row("1", "a", .outputTokPerS, 1000, 1100), row("2", "a", .outputTokPerS, 1000, nil),
      ValidationRow(
        suite: "k", experiment: "k", engine: "nccl", gpu: "H100", metric: .kernelUs, measured: 1,
        predicted: 9,
        heldOut: false),
      ValidationRow(
        suite: "k", experiment: "k", engine: "nccl", gpu: "H100", metric: .kernelUs, measured: 2,
        predicted: 9,
        heldOut: false),
    ]
    let lines = ValidationRepeatability.of(rows)
    #expect(lines.map(\.family) == [.ttft, .throughput])
    let ttft = lines[0]
    #expect(ttft.configurations == 1 && ttft.figures == 5)
    // Spreads 0, 0.1, 0.1, 1/3, 1/3: median 0.1. Errors 0.5, 0, 0.1, 0, 0: median 0.
    #expect(abs((ttft.spread ?? .nan) - 0.1) < 1e-12)
    #expect(ttft.error == 0)
    #expect(lines[1].figures == 2 && lines[1].spread == 0 && abs((lines[1].error ?? .nan) - 0.1) < 1e-12)
    // A row's configuration defaults to its experiment.
    #expect(ValidationRepeatability.of([row("1", "a", .ttftP50Ms, 1, 1)]).isEmpty)
    let plain = ValidationRow(
      suite: "s", experiment: "e", engine: "trtllm", gpu: "H100", metric: .ttftMeanMs, measured: 1,
      predicted: 1, heldOut: false)
    #expect(plain.configuration == "e")
  }

  /// A planning choice made by servesim's figures and judged by the measured
  /// ones: the most tokens per second per device within the objective;
  /// configurations' figures are medians over their runs; a configuration
  /// servesim could not run is never its pick.
  @Test func decisionsPickByPredictionAndJudgeByMeasurement() {
    func rows(
      _ configuration: String, run: String = "1", choice: String? = "c", devices: Int = 8,
      ttft: (Double, Double?), tpot: (Double, Double?), tok: (Double, Double?)
    ) -> [ValidationRow] {
      [(ValidationMetric.ttftP50Ms, ttft), (.tpotP50Ms, tpot), (.outputTokPerS, tok)].map { metric, v in
        var row = ValidationRow(
          suite: "s", experiment: "\(configuration)/\(run)", configuration: configuration, engine: "sglang",
          gpu: "H200", metric: metric, measured: v.0, predicted: v.1, heldOut: false)
        row.choice = choice
        row.devices = devices
        return row
      }
    }
    let slo: (ttftMs: Double, tpotMs: Double) = (1000, 30)
    // "a": meets as measured and predicted, 800 tok/s on 8 devices (100 each).
    // "b": predicted to meet at 1,600 tok/s; measured TPOT 36 ms (20% over),
    // 1,200 tok/s. "c": 4 devices, measured best (200 tok/s per device), but
    // predicted TTFT 1.5 s. "d": servesim could not run it.
    let choice =
      rows("a", ttft: (200, 180), tpot: (20, 18), tok: (800, 820))
      + rows("b", ttft: (300, 250), tpot: (36, 28), tok: (1200, 1600))
      + rows("c", devices: 4, ttft: (600, 1500), tpot: (25, 24), tok: (800, 700))
      + rows("d", ttft: (100, nil), tpot: (10, nil), tok: (4000, nil))
    var decisions = ValidationDecision.of(choice, objectives: [slo], headrooms: [0])
    #expect(decisions.count == 1)
    var d = decisions[0]
    #expect(d.options == 4 && d.pick?.configuration == "b" && d.pickMeetsSLO == false)
    #expect(abs((d.overshoot ?? .nan) - 0.2) < 1e-12 && d.shortfall == nil)
    // The measured best is "d" (500 per device), which servesim could not run.
    #expect(d.best?.configuration == "d" && d.pick?.predicted?.tokPerSPerDevice == 200)
    // Without "b" and "d", servesim picks "a": it meets the objective and
    // gives up half of "c"'s 200 tokens per second per device.
    decisions = ValidationDecision.of(
      choice.filter { !["b", "d"].contains($0.configuration) }, objectives: [slo], headrooms: [0])
    d = decisions[0]
    #expect(d.pick?.configuration == "a" && d.best?.configuration == "c" && d.pickMeetsSLO == true)
    #expect(abs((d.shortfall ?? .nan) - 0.5) < 1e-12 && d.overshoot == nil)
    // With a tenth of each bound kept free (900 ms, 27 ms), servesim's
    // figures for "b" (28 ms) no longer fit: it picks "a", which meets the
    // objective and gives up 80% of "d"'s 500 tokens per second per device.
    let guarded = ValidationDecision.of(choice, objectives: [slo], headrooms: [0, 0.1])
    #expect(guarded.map(\.slo.headroom) == [0, 0.1] && guarded[0].pick?.configuration == "b")
    #expect(guarded[1].pick?.configuration == "a" && guarded[1].pickMeetsSLO == true)
    #expect(abs((guarded[1].shortfall ?? .nan) - 0.8) < 1e-12)
    let guardedSummary = ValidationDecisionSummary(slo: guarded[1].slo, decisions: guarded)
    #expect(guardedSummary.breaks == 0 && abs((guardedSummary.meanShortfall ?? .nan) - 0.8) < 1e-12)
    // Runs of one configuration are judged by their medians: three runs of
    // "b" measured at 36, 29 and 28 ms meet the objective at 29.
    let repeated =
      choice + rows("b", run: "2", ttft: (300, 250), tpot: (29, 28), tok: (1200, 1600))
      + rows("b", run: "3", ttft: (300, 250), tpot: (28, 28), tok: (1200, 1600))
    d = ValidationDecision.of(repeated, objectives: [slo], headrooms: [0])[0]
    #expect(d.pick?.configuration == "b" && d.pick?.measured.tpotMs == 29 && d.pickMeetsSLO == true)
    // Summaries: two objectives, one met by nothing servesim predicts.
    let tight: (ttftMs: Double, tpotMs: Double) = (150, 15)
    let summaries = ValidationDecisionSummary.of(
      ValidationDecision.of(choice, objectives: [slo, tight], headrooms: [0]))
    #expect(summaries.count == 2)
    #expect(summaries[0].choices == 1 && summaries[0].breaks == 1 && summaries[0].samePick == 0)
    #expect(summaries[1].choices == 1 && summaries[1].noneFound == 1 && summaries[1].breaks == 0)
    // A configuration alone, or rows of no choice, make no decision.
    #expect(
      ValidationDecision.of(rows("a", ttft: (1, 1), tpot: (1, 1), tok: (1, 1)), objectives: [slo]).isEmpty)
    #expect(
      ValidationDecision.of(
        rows("a", choice: nil, ttft: (1, 1), tpot: (1, 1), tok: (1, 1))
          + rows("b", choice: nil, ttft: (1, 1), tpot: (1, 1), tok: (1, 1)), objectives: [slo]
      ).isEmpty)
  }
}
