import Testing

@testable import ServeSim

/// A cold SGLang server on sm100 (`SGLangBlackwellPaths`): FlashInfer's
/// fused MoE compiles no Triton variants, and the first prefill that attends
/// a chunked prefix waits for its attention kernel to load
/// (`Simulator.coldStartSeconds`).
@Suite struct BlackwellColdStartTests {
  /// DeepSeek-V3 in fp8 on 8 devices, SGLang, a 1,024-token chunk budget,
  /// `clients` clients sending `input`-token prompts at once to a cold
  /// server.
  static func plan(blackwell: Bool, clients: Int, input: Int, cold: Bool = true) -> PlanSpec {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(
        .closed(concurrency: clients, thinkTime: 0), requests: 2 * clients, input: .fixed(input),
        output: .fixed(4)),
      policy: .sglang, budget: 1024, model: MoETests.deepseek, engine: .sglang)
    plan.workload.coldStart = cold
    plan.precision = SGLangDeepSeekPathTests.fp8
    plan.parallelism = Parallelism(tensor: 8)
    plan.cluster.device = blackwell ? SGLangDeepSeekPathTests.blackwell() : SGLangDeepSeekPathTests.hopper()
    plan.cluster.device.memoryGB = 400
    return plan
  }

  static let load = EngineProfile.sglangBlackwellPrefixLoadMs * 1e-3

  @Test func theFirstPromptCutAcrossChunksWaitsForThePrefixAttentionToLoad() throws {
    // Two prompts of 700 tokens overrun the 1,024-token chunk: the second
    // is cut, and the first wave waits for the load once.
    let cut = try Fixtures.run(Self.plan(blackwell: true, clients: 2, input: 700))
    let first = cut.requests.prefix(2).compactMap(\.ttft)
    #expect(first.count == 2 && first.allSatisfy { $0 > Self.load })
    #expect(cut.requests.dropFirst(2).compactMap(\.ttft).allSatisfy { $0 < Self.load })
    // A wave within one chunk never attends a cut prompt's prefix.
    let whole = try Fixtures.run(Self.plan(blackwell: true, clients: 2, input: 400))
    #expect(whole.requests.compactMap(\.ttft).allSatisfy { $0 < Self.load })
    // A warm server, and Hopper's fa3 path, load nothing.
    let warm = try Fixtures.run(Self.plan(blackwell: true, clients: 2, input: 700, cold: false))
    #expect(warm.requests.compactMap(\.ttft).allSatisfy { $0 < Self.load })
    let hopper = try Fixtures.run(Self.plan(blackwell: false, clients: 2, input: 700))
    #expect(hopper.requests.compactMap(\.ttft).allSatisfy { $0 < Self.load })
  }

  /// sm100 runs fp8 DeepSeek MoE through FlashInfer's TensorRT-LLM kernels,
  /// which compile no Triton variants on first use; Hopper's Triton MoE does.
  @Test func flashInfersMoECompilesNoTritonVariants() throws {
    let blackwell = Self.plan(blackwell: true, clients: 2, input: 400)
    let hopper = Self.plan(blackwell: false, clients: 2, input: 400)
    #expect(!FusedMoECompiles.apply(to: blackwell) && FusedMoECompiles.apply(to: hopper))
    #expect(try Simulator(plan: blackwell).moeCompiles.isEmpty)
    #expect(try !Simulator(plan: hopper).moeCompiles.isEmpty)
  }
}
