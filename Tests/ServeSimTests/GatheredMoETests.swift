import Testing

@testable import ServeSim

/// TensorRT-LLM's MoE communication under attention DP: an all-gather of
/// the routed tokens and a reduce-scatter of the outputs, not DeepEP's
/// all-to-all.
@Suite struct GatheredMoETests {
  @Test func gatherAndScatterMatchAHandComputation() {
    // 8 ranks, 100 GB/s links with 5 us per ring step, 800 tokens of all
    // ranks, bf16, top-2: each token gathered with 2 ids and 2 weights.
    let c = AttentionDataTests().wide(Fixtures.group(8, .ringOnly), expert: 8)
    func ring(_ bytes: Double) -> Double { 7 * 5e-6 + 7.0 / 8 * bytes / 100e9 }
    let hand = ring(800 * (4096 * 2 + 16)) + ring(800 * 4096 * 2)
    #expect(abs(c.expertGatherScatter(tokens: 800).seconds / hand - 1) < 1e-12)
    // NVFP4 experts gather 4-bit values and an fp8 scale per 16.
    var device = Fixtures.device
    device.peakTFLOPS[.fp4] = 400
    var fp4 = CostModel(
      model: AttentionDataTests.mixtral, device: device,
      precision: Precision(weights: .fp4, activations: .fp4, kvCache: .fp8),
      tensorGroup: Fixtures.group(8, .ringOnly))
    fp4.expertParallel = 8
    #expect(fp4.matmulDType == .fp4)
    let fp4Hand = ring(800 * (2048 + 256 + 16)) + ring(800 * 4096 * 2)
    #expect(abs(fp4.expertGatherScatter(tokens: 800).seconds / fp4Hand - 1) < 1e-12)
    // The routed experts take it in place of the all-to-all.
    let a2a = c.routedExperts(tokens: 800, lowLatency: true, mode: .eager).seconds
    let gathered = c.routedExperts(tokens: 800, lowLatency: true, mode: .eager, gathers: true).seconds
    let difference =
      c.expertGatherScatter(tokens: 800).seconds - c.expertAllToAll(tokens: 800, lowLatency: true).seconds
    #expect(abs(gathered - a2a - difference) < 1e-12)
  }

  @Test func aTensorRTLLMStepGathersAndScatters() throws {
    let p = AttentionDataTests().plan(tensor: 8, ranks: 8, expert: 8)
    let sglang = EngineProfile.of(.sglang)
    var trtllm = sglang
    trtllm.engine = .trtllm
    guard let wide = try ServingPools(plan: p, profile: sglang, reusing: nil).lockstep[0]?.wide else {
      Issue.record("no lockstep pricer")
      return
    }
    var shape = BatchShape()
    for _ in 0..<8 { shape.addDecode(context: 500) }
    let shapes = [BatchShape?](repeating: shape, count: 8)
    func perMoELayer(_ profile: EngineProfile) -> Double {
      var pricer = ServingPools.lockstepPricer(
        plan: p, cluster: p.cluster, parallelism: p.parallelism, profile: profile, wide: wide)
      return pricer.price(shapes).perMoELayer
    }
    let tokens = Double(IterationPricer.graphPadded(8) * 8)
    let expected =
      wide.expertGatherScatter(tokens: tokens).seconds
      - wide.expertAllToAll(tokens: tokens, lowLatency: true).seconds
    #expect(expected > 0)
    #expect(abs(perMoELayer(trtllm) - perMoELayer(sglang) - expected) < 1e-12)
  }
}
