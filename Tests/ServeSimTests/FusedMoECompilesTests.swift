import Testing

@testable import ServeSim

/// SGLang's Triton fused MoE compiles a kernel variant on first use of each
/// tuned config and integer specialisation (`FusedMoECompiles`).
struct FusedMoECompilesTests {
  @Test func variantsFollowTheClosestTunedKeyAndTheSpecialisation() {
    let compiles = FusedMoECompiles(topK: 8, graphMaxBatch: 0)
    // 819 tokens: 1024 is closer than 512; 8 x 819 is not a multiple of 16.
    #expect(compiles.variant(tokens: 819) == 2 * 13 + 0)
    #expect(compiles.variant(tokens: 820) == 2 * 13 + 1)
    // A tie keeps the smaller key (Python's min keeps the first): 12 -> 8.
    #expect(compiles.variant(tokens: 12) / 2 == 3)
    // Above the largest key, 4096.
    #expect(compiles.variant(tokens: 8000) / 2 == 17)
    // Top-k 2: tokens x 2 is a multiple of 16 only for multiples of 8.
    let top2 = FusedMoECompiles(topK: 2, graphMaxBatch: 0)
    #expect(top2.variant(tokens: 1020) % 2 == 0 && top2.variant(tokens: 1024) % 2 == 1)
  }

  @Test func aVariantCompilesOnceAndGraphsAndTheWarmUpAreCompiledBeforeServing() {
    var compiles = FusedMoECompiles(topK: 8, graphMaxBatch: 512)
    // Captured graphs (even batch sizes up to 512) and the 7-token warm-up.
    let news = [64, 7, 819, 1001, 3700].map { compiles.compilesNew(tokens: $0) }
    #expect(news == [false, false, true, false, true])
    // SGLang 0.5.5's capture sizes: 1, 2, 4, 8, 12, 16, 24, ..., 256, 272, ...
    let sizes = FusedMoECompiles.captureBatchSizes(upTo: 512, speculative: false)
    #expect(sizes.prefix(7) == [1, 2, 4, 8, 12, 16, 24] && sizes.last == 512)
    #expect(
      FusedMoECompiles.captureBatchSizes(upTo: 16, speculative: true) == Array(1...8) + [10, 12, 14, 16])
  }

  /// On a cold SGLang server, a request whose prefill runs a new variant
  /// waits for its compile; one of the same variant later does not; a dense
  /// model compiles nothing on first use.
  @Test func coldSGLangPaysACompilePerNewFusedMoEVariant() throws {
    let workload = Fixtures.workload(.closed(concurrency: 1, thinkTime: 0), requests: 3, input: .fixed(301))
    var tinyMoE = Fixtures.model
    tinyMoE.moe = MoESpec(experts: 8, expertsPerToken: 2, expertIntermediateSize: 1024)
    var plan = Fixtures.plan(workload: workload, model: tinyMoE, engine: .sglang)
    let warm = try Fixtures.run(plan)
    plan.workload.coldStart = true
    let cold = try Fixtures.run(plan)
    let compile = EngineProfile.of(.sglang).coldStartMs * 1e-3
    let first = try #require(cold.requests[0].ttft), warmFirst = try #require(warm.requests[0].ttft)
    #expect(abs(first - warmFirst - compile) < 1e-9)
    let second = try #require(cold.requests[1].ttft), warmSecond = try #require(warm.requests[1].ttft)
    #expect(abs(second - warmSecond) < 1e-9)
    var dense = Fixtures.plan(workload: workload, engine: .sglang)
    let denseWarm = try Fixtures.run(dense)
    dense.workload.coldStart = true
    #expect(try Fixtures.run(dense).requests[0].ttft == denseWarm.requests[0].ttft)
  }

  /// With DeepSeek's shared expert fused into the routed kernel (SGLang 0.5.5
  /// on CUDA, `SharedExpertFusion`) the kernel's `num_valid_tokens` is
  /// tokens x 9, which sets its divisibility specialisation; on ROCm there
  /// is no fusion and it stays tokens x 8.
  @Test func aFusedSharedExpertCountsInTheKernelsTopK() throws {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(.closed(concurrency: 1, thinkTime: 0), requests: 2, input: .fixed(64)),
      model: MoETests.deepseek, engine: .sglang)
    plan.workload.coldStart = true
    plan.precision = SGLangDeepSeekPathTests.fp8
    plan.parallelism = Parallelism(tensor: 8)
    plan.cluster.device.memoryGB = 200
    let cuda = try Simulator(plan: plan)
    #expect(cuda.moeCompiles.first?.topK == 9)
    plan.cluster.device.platform = .rocm
    #expect(try Simulator(plan: plan).moeCompiles.first?.topK == 8)
    // The specialisation differs: 8 tokens x 9 is not a multiple of 16, x 8 is.
    #expect(FusedMoECompiles(topK: 9, graphMaxBatch: 0).variant(tokens: 8) % 2 == 0)
    #expect(FusedMoECompiles(topK: 8, graphMaxBatch: 0).variant(tokens: 8) % 2 == 1)
  }

  /// SGLang 0.5.5's H200 table for DeepSeek-R1 at TP8 (E = 257 with the
  /// fused shared expert, N = 256): keys 1024 to 3072 share one config, so
  /// a 3,072-token batch after a 1,024-token one compiles nothing new; the
  /// padded length EM is specialised too (1,026 tokens: 9 x 1,026 + 258 x 63
  /// is a multiple of 16), so 1,024, 1,025 and 1,026 tokens are three
  /// variants of that config. Per tuned key, 3,072 would compile again.
  @Test func keysThatShareATunedConfigShareTheirKernels() {
    var h200 = Fixtures.device
    h200.name = "NVIDIA H200 SXM 141GB"
    let table = FusedMoEConfigTable.sglang(
      version: EngineVersion(0, 5), device: h200, experts: 257, width: 256, weights: .fp8, blockScaled: true)
    var compiles = FusedMoECompiles(topK: 9, graphMaxBatch: 0, table: table)
    // 4,096 has a config of its own.
    let news = [1024, 3072, 1025, 1026, 2049, 2050, 4096].map { compiles.compilesNew(tokens: $0) }
    #expect(news == [true, false, true, true, false, false, true])
    var perKey = FusedMoECompiles(topK: 9, graphMaxBatch: 0)
    #expect([1024, 3072].map { perKey.compilesNew(tokens: $0) } == [true, true])
    // SGLang 0.4.9 reads Triton 3.2.0's table: 3,072 and 4,096 share a config.
    let older = FusedMoEConfigTable.sglang(
      version: EngineVersion(0, 4), device: h200, experts: 257, width: 256, weights: .fp8, blockScaled: true)
    #expect(older.configs[older.keyIndex(tokens: 3072)] == older.configs[older.keyIndex(tokens: 4096)])
    #expect(table.configs[table.keyIndex(tokens: 3072)] != table.configs[table.keyIndex(tokens: 4096)])
  }

  /// With no tuned table for the GPU and shape, the kernel runs SGLang's
  /// default config: one for block-scaled fp8, one each side of M = E
  /// otherwise; on ROCm the count stays one per tuned key (as fitted).
  @Test func withoutATunedTableTheDefaultConfigRunsAtEverySize() {
    let block = FusedMoEConfigTable.sglang(
      version: EngineVersion(0, 5), device: Fixtures.device, experts: 257, width: 256, weights: .fp8,
      blockScaled: true)
    var compiles = FusedMoECompiles(topK: 9, graphMaxBatch: 0, table: block)
    #expect([32, 4000].map { compiles.compilesNew(tokens: $0) } == [true, false])
    let bf16 = FusedMoEConfigTable.sglang(
      version: EngineVersion(0, 5), device: Fixtures.device, experts: 128, width: 192, weights: .bf16,
      blockScaled: false)
    #expect(bf16.configs[bf16.keyIndex(tokens: 128)] == 0 && bf16.configs[bf16.keyIndex(tokens: 129)] == 1)
    #expect(bf16.blockM == [16, 64])
    var amd = Fixtures.device
    amd.platform = .rocm
    let rocm = FusedMoEConfigTable.sglang(
      version: EngineVersion(0, 5), device: amd, experts: 256, width: 256, weights: .fp8, blockScaled: true)
    #expect(rocm == .perTunedKey)
  }

  /// Triton compiles take longer on ROCm (fitted on the AMD rows).
  @Test func rocmCompilesTakeLonger() {
    var amd = Fixtures.device
    amd.platform = .rocm
    #expect(EngineProfile.of(.sglang, device: amd).coldStartMs == EngineProfile.sglangROCmColdStartMs)
    #expect(EngineProfile.of(.sglang, device: Fixtures.device).coldStartMs == EngineProfile.sglangColdStartMs)
    #expect(EngineProfile.sglangROCmColdStartMs > EngineProfile.sglangColdStartMs)
  }
}
