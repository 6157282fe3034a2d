import Testing

@testable import ServeSim

@Suite struct DisaggregationTests {
  func plan(link: LinkSpec = Fixtures.link) -> PlanSpec {
    var p = Fixtures.plan(
      workload: Fixtures.workload(.poisson(rate: 100), requests: 60, input: .fixed(400), output: .fixed(12)))
    p.disaggregation = Disaggregation(
      prefill: .init(replicas: 1, tensor: 2, cluster: Fixtures.cluster()),
      decode: .init(replicas: 2, tensor: 1, cluster: Fixtures.cluster()), transferLink: link)
    return p
  }

  @Test func prefillThenTransferThenDecode() throws {
    let result = try Fixtures.run(plan())
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // Every request ends on a decode replica (1 or 2; the prefill replica is 0).
    #expect(result.requests.allSatisfy { $0.replica >= 1 })
    #expect(Set(result.requests.map(\.replica)) == [1, 2])
    // Prefill iterations run no decodes; decode iterations no prefill.
    #expect(result.iterations.filter { $0.replica == 0 }.allSatisfy { $0.decodeTokens == 0 })
    #expect(result.iterations.filter { $0.replica > 0 }.allSatisfy { $0.prefillTokens == 0 })
    #expect(result.poolDevices == [2, 2])
  }

  @Test func decodeWaitsForTheKVTransfer() throws {
    // 400 tokens · 2 layers · K and V · 1 KV head per rank (2 heads / tensor 2)
    // · 128 · 2 B = 409,600 B per rank, over 0.01 GB/s plus 5 us: 41 ms.
    let slow = LinkSpec(kind: "ethernet", bandwidthGBps: 0.01, latencyUs: 5, efficiency: 1, topology: "x")
    let transfer = 5e-6 + 409_600 / 0.01e9
    // Every request also pays the hand-off between the pools.
    let handoff = EngineProfile.disaggregatedHandoffMs * 1e-3
    let slowRun = try Fixtures.run(plan(link: slow))
    // The first token reaches the client from the decode replica, with its
    // first step of the request (SGLang 0.5.9 disaggregation/decode.py):
    // TTFT includes the transfer.
    #expect(slowRun.requests.allSatisfy { ($0.ttft ?? 0) >= handoff + transfer })
    let decodeEnds = Set(slowRun.iterations.filter { $0.replica > 0 }.map { $0.start + $0.duration })
    #expect(
      slowRun.requests.allSatisfy { r in decodeEnds.contains { abs($0 - r.firstToken) < 1e-9 } })
    let fastRun = try Fixtures.run(plan())
    #expect(fastRun.requests.allSatisfy { ($0.ttft ?? 1) < handoff + transfer })
    let summary = Summary(slowRun)
    #expect(summary.prefillPoolUtilization != nil)
    #expect(summary.devices == 4)
  }

  /// A disaggregated request reaches the prefill pool the engine's API
  /// server time plus the hand-off between the pools after the client sent
  /// it (`EngineProfile.disaggregatedHandoffMs`); an aggregated plan's does
  /// not pay the hand-off.
  @Test func disaggregatedRequestsPayTheHandoff() throws {
    let p = plan()
    var aggregated = p
    aggregated.disaggregation = nil
    let handoff = EngineProfile.disaggregatedHandoffMs
    #expect(handoff > 0)
    #expect(
      EngineProfile.of(plan: p).requestOverheadMs
        == EngineProfile.of(plan: aggregated).requestOverheadMs + handoff)
    let result = try Fixtures.run(p)
    let minimum = EngineProfile.of(plan: p).requestOverheadMs * 1e-3
    #expect(result.requests.allSatisfy { ($0.ttft ?? 0) >= minimum })
    // Nothing queues at the prefill replica for the first request: it is
    // scheduled when it reaches the engine, the hand-off after the client sent it.
    let first = try #require(result.iterations.filter { $0.replica == 0 }.map(\.start).min())
    #expect(abs(first - result.requests[0].arrival - minimum) < 1e-9)
  }

  @Test func poolsMustFitTheCluster() {
    var p = plan()
    p.disaggregation?.decode.replicas = 7
    #expect(p.validate().contains { $0.keyPath == "disaggregation" })
  }

  /// Mixtral served disaggregated on 80 GB round devices: a prefill pool of
  /// one replica of `prefillRanks` attention ranks over 2 devices, a decode
  /// pool of one replica of `decodeRanks` ranks over 4, experts over each
  /// replica's devices.
  func dep(prefillRanks: Int = 2, decodeRanks: Int = 4, requests: Int = 40) -> PlanSpec {
    var p = Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 40), requests: requests, input: .fixed(300), output: .fixed(30)),
      model: AttentionDataTests.mixtral)
    p.cluster.device.memoryGB = 80
    var cluster = p.cluster
    cluster.nodes = 1
    cluster.devicesPerNode = 8
    p.disaggregation = Disaggregation(
      prefill: .init(replicas: 1, tensor: 2, cluster: cluster, expert: 2, attentionData: prefillRanks),
      decode: .init(replicas: 1, tensor: 4, cluster: cluster, expert: 4, attentionData: decodeRanks),
      transferLink: Fixtures.link)
    return p
  }

  @Test func attentionRanksStepTogetherInEachPool() throws {
    let p = dep()
    #expect(p.validate().isEmpty)
    let simulator = try Simulator(plan: p)
    // Two prefill ranks, then four decode ranks, each a scheduler.
    #expect(simulator.schedulers.map(\.pool) == [0, 0, 1, 1, 1, 1])
    #expect(simulator.schedulers.map(\.pipeline) == [0, 0, 1, 1, 1, 1])
    let result = try Fixtures.run(p)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // Requests reach every decode rank (the least loaded), one replica row.
    #expect(Set(result.requests.map(\.scheduler)) == [2, 3, 4, 5])
    #expect(result.requests.allSatisfy { $0.replica == 1 })
    // A decode step runs the sequences of all four ranks together.
    let decode = result.iterations.filter { $0.replica == 1 }
    #expect(decode.allSatisfy { $0.prefillTokens == 0 })
    #expect(decode.map(\.batchSize).max() ?? 0 > 4)
    #expect(result.poolDevices == [2, 4])
    // Without attention ranks the decode pool's replica is one tensor group:
    // the same requests, priced differently.
    let plain = try Fixtures.run(dep(prefillRanks: 1, decodeRanks: 1))
    #expect(plain.requests.allSatisfy { $0.status == .finished })
    #expect(plain.iterations.count != result.iterations.count || plain.requests != result.requests)
  }

  @Test func aDecodeRankHoldsItsOwnKVPool() throws {
    let simulator = try Simulator(plan: dep())
    // The decode pool's memory plan is per attention rank (one device of the
    // four: the KV heads whole), the prefill pool's per rank of one device.
    let decode = simulator.poolMemory[1]
    let block = Double(16) * 2 * 8 * 128 * 2 * Double(AttentionDataTests.mixtral.costedLayers)
    #expect(decode.blockBytes == block)
    #expect(simulator.schedulers[2].totalBlocks == decode.blocks)
  }

  @Test func sglangSizesMaxRunningFromTheDecodePool() throws {
    // The plan's own parallelism (one device) cannot hold the weights: the
    // running cap comes from the decode pool's KV, not a pool of zero tokens.
    var p = dep()
    p.engine = .sglang
    p.applyScheduler(SchedulerSettings())
    #expect(p.scheduler.maxNumSeqs > 100)
    let result = try Fixtures.run(p)
    #expect(result.iterations.filter { $0.replica == 1 }.map(\.batchSize).max() ?? 0 > 4)
  }

  @Test func poolLayoutsAreChecked() {
    func keys(_ p: PlanSpec) -> [String] { p.validate().map(\.keyPath) }
    var uneven = dep(decodeRanks: 3)
    #expect(keys(uneven).contains("disaggregation.decode.attention_data"))
    uneven = dep()
    uneven.disaggregation?.prefill.expert = 3
    #expect(keys(uneven).contains("disaggregation.prefill.expert"))
    var both = dep()
    both.parallelism.attentionData = 2
    #expect(keys(both).contains("parallelism.attention_data"))
    var dense = plan()
    dense.disaggregation?.decode.attentionData = 2
    #expect(
      dense.validate().contains {
        $0.keyPath == "disaggregation.decode.attention_data" && $0.message.contains("mixture-of-experts")
      })
  }
}
