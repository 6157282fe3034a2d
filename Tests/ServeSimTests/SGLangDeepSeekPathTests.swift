import Testing

@testable import ServeSim

/// SGLang 0.5.5's DeepSeek-V3 paths: absorbed MLA for prefill batches with a
/// little cached context.
@Suite struct SGLangDeepSeekPathTests {
  static let fp8 = Precision(weights: .fp8, activations: .fp8, kvCache: .bf16)

  static func hopper() -> DeviceSpec { Fixtures.device }

  static func blackwell() -> DeviceSpec {
    var d = Fixtures.device
    d.peakTFLOPS[.fp4] = 400
    return d
  }

  func cost(absorbedBelow: Double = 0) -> CostModel {
    var c = CostModel(
      model: MoETests.deepseek, device: Fixtures.device, precision: Self.fp8,
      tensorGroup: Fixtures.group(8, .ringOnly))
    c.mlaAbsorbedPrefixBelow = absorbedBelow
    return c
  }

  /// `_handle_attention_backend`: fa3 (Hopper) runs a batch with cached
  /// context below 8192 tokens as absorbed MLA, above as multi-head attention;
  /// Ampere's triton backend absorbs any cached context; sm100 and ROCm never.
  @Test func absorbedPrefillThresholdFollowsTheBackend() {
    let v = EngineVersion(0, 5)
    #expect(MLAPrefillDispatch.absorbedBelow(engine: .sglang, version: v, device: Self.hopper()) == 8192)
    #expect(MLAPrefillDispatch.absorbedBelow(engine: .sglang, version: v, device: Self.blackwell()) == 0)
    var ampere = Self.hopper()
    ampere.peakTFLOPS[.fp8] = nil
    #expect(MLAPrefillDispatch.absorbedBelow(engine: .sglang, version: v, device: ampere) == .infinity)
    var rocm = Self.hopper()
    rocm.platform = .rocm
    #expect(MLAPrefillDispatch.absorbedBelow(engine: .sglang, version: v, device: rocm) == 0)
    #expect(
      MLAPrefillDispatch.absorbedBelow(engine: .vllm, version: EngineVersion(0, 11), device: Self.hopper())
        == 0)
  }

  /// A chunk continuing 1K cached tokens attends over the latent (keys 576
  /// wide, values 512): more attention FLOPs than multi-head attention's 192
  /// and 128, and no kv_b expansion. A batch without cached context, or with
  /// 8K or more, stays multi-head.
  @Test func smallCachedContextRunsAbsorbedAttention() throws {
    let mla = try #require(MoETests.deepseek.mla)
    let mha = cost()
    let absorbing = cost(absorbedBelow: 8192)
    var continued = BatchShape()
    continued.addPrefill(chunk: 7168, context: 8192, samples: true)
    let a = absorbing.attentionPrefill(continued, mode: .eager)
    let h = mha.attentionPrefill(continued, mode: .eager)
    let heads = 128.0 / 8
    #expect(abs(a.flops - 2 * heads * continued.prefillAttentionPairs * (576 + 512)) < 1)
    #expect(a.flops > 3 * (h.flops - mha.gemm(m: 8192, n: heads * 256, k: 512, mode: .eager).flops))
    #expect(a.seconds > h.seconds)
    var fresh = BatchShape()
    fresh.addPrefill(chunk: 8192, context: 8192, samples: true)
    #expect(absorbing.attentionPrefill(fresh, mode: .eager) == mha.attentionPrefill(fresh, mode: .eager))
    var long = BatchShape()
    long.addPrefill(chunk: 4096, context: 16384, samples: true)
    #expect(absorbing.attentionPrefill(long, mode: .eager) == mha.attentionPrefill(long, mode: .eager))
    #expect(mla.kvLoraRank == 512)
  }
}
