import Foundation
import Testing

@testable import ServeSim

/// Attention data parallelism with expert parallelism ("DEP"): lockstep
/// steps, round-robin routing, the all-to-all's price, KV per rank, rules.
@Suite struct AttentionDataTests {
  static let mixtral = MoETests.mixtral

  /// A replica of `tensor` devices with `ranks` attention ranks and expert
  /// parallelism `expert`, Mixtral on 80 GB round devices.
  func plan(
    tensor: Int = 2, ranks: Int = 2, expert: Int = 2, data: Int = 1,
    workload: WorkloadSpec = Fixtures.workload(requests: 6)
  ) -> PlanSpec {
    var parallelism = Parallelism(data: data, tensor: tensor, expert: expert)
    parallelism.attentionData = ranks
    var plan = Fixtures.plan(workload: workload, parallelism: parallelism, model: Self.mixtral)
    plan.cluster.device.memoryGB = 80
    return plan
  }

  func wide(_ group: CommGroup, expert: Int, precision: Precision = Precision()) -> CostModel {
    var c = CostModel(model: Self.mixtral, device: Fixtures.device, precision: precision, tensorGroup: group)
    c.expertParallel = expert
    return c
  }

  @Test func allToAllMatchesAHandComputation() {
    // 8 ranks on one node, 100 GB/s links with 5 us latency, 800 tokens of
    // all ranks, top-2: each rank sends 100 tokens x 2 copies (low latency).
    let c = wide(Fixtures.group(8, .ringOnly), expert: 8)
    // The busiest rank receives more than the mean under random routing
    // (`MoESpec.busiestRank`): 1,600 assignments, 200 a rank, plus 1.42
    // standard deviations.
    let moe = Self.mixtral.moe ?? MoESpec(experts: 8, expertsPerToken: 2, expertIntermediateSize: 1)
    let f8 = c.busiestExpertRank(moe, assignments: 1600).rows / 200
    #expect(f8 > 1.09 && f8 < 1.1)
    let dispatch = 200.0 * f8 * (4096 + 32 * 4)  // fp8 payload and a scale per 128
    let combine = 200.0 * f8 * 4096 * 2
    let floor = CostModel.deepEPKernelFloorUs * 1e-6
    let hand = 2 * (5e-6 + floor) + 7.0 / 8 * (dispatch + combine) / 100e9
    #expect(abs(c.expertAllToAll(tokens: 800, lowLatency: true).seconds / hand - 1) < 1e-12)
    // Normal mode (prefill), bf16: one copy per distinct rank, 8(1 − (7/8)²) = 1.875.
    let copies = 100.0 * 1.875 * f8
    let normal = 2 * (5e-6 + floor) + 7.0 / 8 * copies * (4096 * 2 + 4096 * 2) / 100e9
    #expect(abs(c.expertAllToAll(tokens: 800, lowLatency: false).seconds / normal - 1) < 1e-12)
    // Two nodes of 8: half of the traffic crosses a 50 GB/s network, 10 us.
    let network = LinkSpec(
      kind: "infiniband", bandwidthGBps: 50, latencyUs: 10, efficiency: 1, topology: "fat-tree")
    let two = wide(
      CommGroup(ranks: 16, ranksPerNode: 8, intra: Fixtures.link, inter: network, customAllReduce: false),
      expert: 16)
    let perRank = 1600.0 / 16 * 2 * two.busiestExpertRank(moe, assignments: 3200).rows / 200
    func leg(_ bytes: Double) -> Double {
      10e-6 + floor + max(7.0 / 16 * bytes / 100e9, 8.0 / 16 * bytes / 50e9)
    }
    let wideHand = leg(perRank * 4224) + leg(perRank * 8192)
    #expect(abs(two.expertAllToAll(tokens: 1600, lowLatency: true).seconds / wideHand - 1) < 1e-12)
    // Imbalance: the busiest rank receives 1.3 x the mean.
    var skewed = c
    skewed.expertImbalance = 0.3
    let skewedHand = 2 * (5e-6 + floor) + 7.0 / 8 * 1.3 * (dispatch + combine) / 100e9
    #expect(abs(skewed.expertAllToAll(tokens: 800, lowLatency: true).seconds / skewedHand - 1) < 1e-12)
  }

  @Test func aDeepEPCallPaysItsSynchronisationFloor() {
    // One token over 100 GB/s links with 5 us latency moves in about 10 us
    // (dispatch and combine); each call still waits on every peer.
    let c = wide(Fixtures.group(8, .ringOnly), expert: 8)
    let floor = CostModel.deepEPKernelFloorUs * 1e-6
    let one = c.expertAllToAll(tokens: 1, lowLatency: true).seconds
    #expect(one >= 2 * (5e-6 + floor))
    #expect(one < 2 * (5e-6 + floor) + 1e-6)
    // Without expert parallelism there is no all-to-all and no floor.
    #expect(
      wide(Fixtures.group(8, .ringOnly), expert: 1).expertAllToAll(tokens: 1, lowLatency: true).seconds == 0)
  }

  @Test func aStepCostsTheSlowestRank() {
    let p = plan()
    let pools = try? ServingPools(plan: p, profile: EngineProfile.of(.vllm), reusing: nil)
    guard var pricer = pools?.lockstep[0] else {
      Issue.record("no lockstep pricer")
      return
    }
    var short = BatchShape()
    short.addDecode(context: 100)
    var long = BatchShape()
    long.addDecode(context: 30_000)
    let layers = Self.mixtral.costedLayers
    func seconds(_ shapes: [BatchShape?]) -> Double {
      pricer.price(shapes).seconds(layers: layers, moeLayers: layers)
    }
    // Same tokens on each rank: the step is the slower rank's, not the sum.
    #expect(seconds([short, long]) == seconds([long, long]))
    #expect(seconds([short, long]) == seconds([long, short]))
    #expect(seconds([short, short]) < seconds([short, long]))
    // An idle rank joins the step: the MoE sees the other rank's tokens only.
    #expect(seconds([short, nil]) <= seconds([short, short]))
  }

  /// Speculative decoding under attention DP: each rank verifies its own
  /// sequences' drafts, and the draft head's passes follow the verify as
  /// lockstep steps of their own (the slowest rank's attention, the routed
  /// experts over every rank's rows).
  @Test func aSpeculativeStepPricesTheDraftHeadInLockstep() throws {
    var p = plan()
    p.speculative = SpeculativeDecoding(method: .mtp, tokens: 2, acceptance: [0.8, 0.7])
    let pools = try ServingPools(plan: p, profile: EngineProfile.of(.vllm), reusing: nil)
    var pricer = try #require(pools.lockstep[0])
    #expect(pricer.draftHead)
    var short = BatchShape()
    short.addVerify(drafts: 2, context: 102)
    var long = BatchShape()
    long.addVerify(drafts: 2, context: 30_002)
    var decode = BatchShape()
    decode.addDecode(context: 30_000)
    let layers = Self.mixtral.costedLayers
    func seconds(_ shapes: [BatchShape?]) -> Double {
      pricer.price(shapes).seconds(layers: layers, moeLayers: layers)
    }
    let step = seconds([short, long])
    #expect(step == seconds([long, short]))
    #expect(seconds([short, short]) < step)
    #expect(seconds([decode, decode]) < seconds([long, long]))
    // Without the draft passes the same verify costs less.
    pricer.draftHead = false
    let verifyOnly = seconds([short, long])
    #expect(verifyOnly < step)
    #expect(seconds([decode, decode]) < verifyOnly)
  }

  /// At low load TPOT falls as the drafts' acceptance rises, under attention
  /// DP as without it (`SpeculativeDecodingTests.tpotFallsAsAcceptanceRises`).
  @Test func speculativeTPOTFallsAsAcceptanceRises() throws {
    let workload = Fixtures.workload(
      .closed(concurrency: 2, thinkTime: 0), requests: 8, input: .fixed(500), output: .fixed(201))
    func tpot(_ acceptance: Double?) throws -> Double {
      var p = plan(workload: workload)
      p.speculative = acceptance.map { SpeculativeDecoding(method: .mtp, tokens: 2, acceptance: [$0, $0]) }
      let result = try Fixtures.run(p)
      #expect(result.requests.allSatisfy { $0.status == .finished })
      return Summary(result).tpot.mean
    }
    let tpots = try [0.2, 0.6, 0.95].map { try tpot($0) }
    #expect(zip(tpots, tpots.dropFirst()).allSatisfy { $0 > $1 }, "\(tpots)")
    #expect(try tpots[2] < tpot(nil))
  }

  @Test func requestsGoRoundRobinOverTheRanks() throws {
    let result = try Fixtures.run(plan(data: 2, workload: Fixtures.workload(requests: 8)))
    // Data replicas by the plan's router (round robin), then ranks in turn.
    let schedulers = result.requests.map(\.scheduler)
    #expect(schedulers == [0, 2, 1, 3, 0, 2, 1, 3])
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // Round robin, not the least loaded rank: request 2 arrives when request
    // 1 (rank 1) is done and request 0 (rank 0) still decodes, and goes to rank 0.
    let trace = TraceRecords(arrivals: [0, 0, 5], inputTokens: [100, 100, 100], outputTokens: [500, 1, 1])
    let late = try Fixtures.run(plan(workload: traced(trace)))
    #expect(late.requests[1].completion < 5 && late.requests[0].completion > 5)
    #expect(late.requests.map(\.scheduler) == [0, 1, 0])
  }

  func traced(_ trace: TraceRecords) -> WorkloadSpec {
    WorkloadSpec(
      name: "t", arrival: .trace, requests: nil, durationS: nil, inputTokens: .fixed(1),
      outputTokens: .fixed(1), trace: trace)
  }

  @Test func stepsAreNotLeapt() throws {
    // The ranks step together and are not leapt: stepping and leaping agree.
    let p = plan(
      workload: Fixtures.workload(.poisson(rate: 50), requests: 40, output: .uniform(min: 5, max: 80)))
    var leaping = try Simulator(plan: p, leap: true)
    var stepping = try Simulator(plan: p, leap: false)
    let a = try leaping.run()
    let b = try stepping.run()
    #expect(a.requests == b.requests)
    #expect(a.iterations == b.iterations)
  }

  @Test func ranksStepTogether() throws {
    // Request 0 (rank 0) decodes while request 1 (rank 1) prefills a long
    // prompt in chunks: every step waits for rank 1.
    func completion(secondPrompt: Int32) throws -> Double {
      let trace = TraceRecords(arrivals: [0, 0], inputTokens: [100, secondPrompt], outputTokens: [40, 2])
      let result = try Fixtures.run(plan(workload: traced(trace)))
      #expect(result.requests.map(\.scheduler) == [0, 1])
      return result.requests[0].completion
    }
    #expect(try completion(secondPrompt: 6000) > 1.1 * completion(secondPrompt: 100))
  }

  @Test func eachRankHasItsOwnKVPool() throws {
    let p = plan()
    let memory = MemoryPlan(plan: p)
    // The KV block of one rank holds its KV heads over attention tensor 1.
    let block = Double(p.scheduler.blockSize) * 2 * 8 * 128 * 2 * Double(Self.mixtral.costedLayers)
    #expect(memory.blockBytes == block)
    #expect(memory.blocks == Int(memory.kvBytes / block))
    let simulator = try Simulator(plan: p)
    #expect(simulator.schedulers.count == 2)
    #expect(simulator.schedulers.allSatisfy { $0.totalBlocks == memory.blocks })
    // Attention weights are whole on each device, experts split over 2.
    let plain = MemoryPlan(plan: plan(ranks: 1))
    let attention = Self.mixtral.attentionParameters * Double(Self.mixtral.costedLayers) * 2
    #expect(abs(memory.weightBytes - plain.weightBytes - attention / 2 - 32000 * 4096 * 2 / 2) < 3e6)
    // A request longer than one rank's pool is dropped, though two pools would hold it.
    var tight = p
    let tokens = memory.kvTokens
    tight.workload = Fixtures.workload(requests: 1, input: .fixed(tokens + 100), output: .fixed(2))
    tight.model.maxContext = 10 * tokens
    let result = try Fixtures.run(tight)
    #expect(result.requests[0].dropReason == .exceedsKVCache)
  }

  @Test func invalidCombinationsSayWhy() {
    func issues(_ p: PlanSpec) -> [String] {
      p.validate().filter { $0.keyPath == "parallelism.attention_data" }.map(\.message)
    }
    #expect(issues(plan()).isEmpty)
    var dense = Fixtures.plan(parallelism: Parallelism(tensor: 2))
    dense.parallelism.attentionData = 2
    #expect(issues(dense).contains { $0.contains("mixture-of-experts") })
    #expect(issues(plan(tensor: 4, ranks: 3, expert: 4)).contains { $0.contains("must divide tensor 4") })
    var piped = plan()
    piped.parallelism.pipeline = 2
    #expect(issues(piped).contains { $0.contains("pipeline 1") })
    // A draft head (MTP, EAGLE) steps with the ranks; a draft model is refused.
    var speculating = plan()
    speculating.speculative = SpeculativeDecoding(method: .eagle, tokens: 1, acceptance: [0.8])
    #expect(issues(speculating).isEmpty)
    speculating.speculative = SpeculativeDecoding(
      method: .draft, tokens: 1, acceptance: [0.8], draftModel: Self.mixtral)
    #expect(issues(speculating).contains { $0.contains("separate draft model") })
    // SGLang's receive skipper asserts it runs without DP attention.
    var skipping = plan()
    skipping.schedulerRecvInterval = 10
    #expect(skipping.validate().contains { $0.keyPath == "engine.scheduler_recv_interval" })
    // Expert degrees keep their own rule (divide the replica and the experts).
    #expect(plan(tensor: 4, ranks: 4, expert: 3).validate().contains { $0.keyPath == "parallelism.expert" })
  }

  @Test func theOptimizerSearchesAttentionData() {
    var space = SearchSpace(
      name: "dep", model: Self.mixtral, workload: Fixtures.workload(),
      slo: ServiceLevel(ttftMs: 50, tpotMs: 5, percentile: 90),
      objective: .goodputPerDevice,
      clusters: [SearchCluster(cluster: Fixtures.cluster(devices: 8), maxDevices: 8)])
    space.tensor = [2, 4]
    space.data = [1]
    space.expert = [1, 2]
    space.attentionData = [1, 2, 3]
    let plans = PlanEnumerator.plans(space)
    let degrees = plans.map { [$0.parallelism.tensor, $0.parallelism.expert, $0.parallelism.attentionData] }
    // 3 divides neither tensor degree: pruned with the reason of the rules.
    #expect(!degrees.contains { $0[2] == 3 })
    #expect(degrees.contains([2, 2, 2]) && degrees.contains([4, 2, 2]) && degrees.contains([4, 1, 1]))
    #expect(plans.filter { $0.parallelism.attentionData == 2 }.allSatisfy { $0.name.contains("-adp2") })
  }
}
