import Testing

@testable import ServeSim

/// SGLang's fa3 backend converts a layer's whole fp8 KV pool to bf16 before
/// each absorbed MLA kernel (`MLAPrefillDispatch.castsKVPool`,
/// `CostModel.kvPoolCastTokens`).
@Suite struct KVPoolCastTests {
  static func cost(kv: DType, pool: Double) -> CostModel {
    var c = CostModel(
      model: MoETests.deepseek, device: Fixtures.device,
      precision: Precision(weights: .fp8, activations: .fp8, kvCache: kv),
      tensorGroup: Fixtures.group(8, .ringOnly))
    c.kvPoolCastTokens = pool
    return c
  }

  static func decodes(_ sequences: Int, context: Int) -> BatchShape {
    var shape = BatchShape()
    for _ in 0..<sequences { shape.addDecode(context: context) }
    return shape
  }

  /// The conversion reads the fp8 pool and writes a bf16 copy (3 bytes per
  /// element), and the kernel then reads the batch's cache in bf16.
  @Test func aCastPoolAddsItsConversionAndTheKernelReadsBF16() throws {
    let mla = try #require(MoETests.deepseek.mla)
    let shape = Self.decodes(64, context: 8192)
    let plain = Self.cost(kv: .fp8, pool: 0).mlaAttentionDecode(shape, mla, mode: .graph)
    let cast = Self.cost(kv: .fp8, pool: 700_000).mlaAttentionDecode(shape, mla, mode: .graph)
    let bf16 = Self.cost(kv: .bf16, pool: 0).mlaAttentionDecode(shape, mla, mode: .graph)
    let elements = 700_000 * Double(mla.cacheElementsPerToken)
    #expect(abs(cast.bytes - bf16.bytes - elements * 3) < 1)
    #expect(cast.seconds > bf16.seconds + elements * 3 / Self.cost(kv: .fp8, pool: 0).bytesPerSecond * 0.5)
    #expect(plain.seconds < bf16.seconds)
  }

  /// The pool is converted whole: a short batch pays as much for it as a
  /// long one.
  @Test func theConversionDoesNotDependOnTheBatch() throws {
    let mla = try #require(MoETests.deepseek.mla)
    let c = Self.cost(kv: .fp8, pool: 500_000)
    let p = Self.cost(kv: .fp8, pool: 0)
    let small = c.mlaAttentionDecode(Self.decodes(1, context: 128), mla, mode: .graph).seconds
    let smallPlain = p.mlaAttentionDecode(Self.decodes(1, context: 128), mla, mode: .graph).seconds
    #expect(small - smallPlain > 1e-4)
  }

  /// Only SGLang 0.5 on Hopper with an fp8 cache: not a bf16 cache, not
  /// Blackwell (trtllm_mla), not TensorRT-LLM or vLLM, not SGLang 0.4.
  @Test func onlySGLangOnHopperWithAnFP8CacheCastsThePool() {
    let hopper = SGLangDeepSeekPathTests.hopper()
    let blackwell = SGLangDeepSeekPathTests.blackwell()
    let fp8 = Precision(weights: .fp8, activations: .fp8, kvCache: .fp8)
    let bf16 = Precision(weights: .fp8, activations: .fp8, kvCache: .bf16)
    let v05 = EngineVersion(0, 5)
    #expect(MLAPrefillDispatch.castsKVPool(engine: .sglang, version: v05, device: hopper, precision: fp8))
    #expect(!MLAPrefillDispatch.castsKVPool(engine: .sglang, version: v05, device: hopper, precision: bf16))
    #expect(!MLAPrefillDispatch.castsKVPool(engine: .sglang, version: v05, device: blackwell, precision: fp8))
    #expect(
      !MLAPrefillDispatch.castsKVPool(
        engine: .trtllm, version: EngineVersion(1, 0), device: hopper, precision: fp8))
    #expect(
      !MLAPrefillDispatch.castsKVPool(
        engine: .vllm, version: EngineVersion(0, 11), device: hopper, precision: fp8))
    #expect(
      !MLAPrefillDispatch.castsKVPool(
        engine: .sglang, version: EngineVersion(0, 4), device: hopper, precision: fp8))
  }

  /// In a simulation the pool is the replica's KV cache: an fp8 cache under
  /// SGLang on Hopper decodes slower than a bf16 one, though it holds twice
  /// the tokens.
  @Test func anFP8CacheUnderSGLangOnHopperDecodesSlower() throws {
    func plan(_ kv: DType) -> PlanSpec {
      var p = Fixtures.plan(policy: .sglang, model: MoETests.deepseek, engine: .sglang)
      p.precision = Precision(weights: .fp8, activations: .fp8, kvCache: kv)
      p.parallelism = Parallelism(tensor: 8)
      p.cluster.device = SGLangDeepSeekPathTests.hopper()
      p.cluster.device.memoryGB = 400
      return p
    }
    let fp8 = try ServingPools(plan: plan(.fp8), profile: EngineProfile.of(plan: plan(.fp8)), reusing: nil)
    let bf16 = try ServingPools(plan: plan(.bf16), profile: EngineProfile.of(plan: plan(.bf16)), reusing: nil)
    #expect(fp8.pricers[0].cost.kvPoolCastTokens == Double(fp8.memory[0].kvTokens))
    #expect(fp8.memory[0].kvTokens > bf16.memory[0].kvTokens)
    #expect(bf16.pricers[0].cost.kvPoolCastTokens == 0)
    var a = fp8.pricers[0]
    var b = bf16.pricers[0]
    let shape = Self.decodes(16, context: 2048)
    #expect(a.price(shape).perMoELayer > b.price(shape).perMoELayer)
  }
}
