import Testing

@testable import ServeSim

/// SGLang 0.5.5's DeepSeek-V3 paths: shared experts fused into the routed
/// experts' kernel, and absorbed MLA for prefill batches with a little cached
/// context.
@Suite struct SGLangDeepSeekPathTests {
  static let fp8 = Precision(weights: .fp8, activations: .fp8, kvCache: .bf16)

  static func hopper() -> DeviceSpec { Fixtures.device }

  static func blackwell() -> DeviceSpec {
    var d = Fixtures.device
    d.peakTFLOPS[.fp4] = 400
    return d
  }

  func cost(fused: Int = 0, absorbedBelow: Double = 0) -> CostModel {
    var c = CostModel(
      model: MoETests.deepseek, device: Fixtures.device, precision: Self.fp8,
      tensorGroup: Fixtures.group(8, .ringOnly))
    c.fusedSharedExperts = fused
    c.mlaAbsorbedPrefixBelow = absorbedBelow
    return c
  }

  /// `determine_num_fused_shared_experts`: DeepSeek-V3 (256 routed, 1 shared)
  /// on CUDA without expert parallelism; not on ROCm, not under expert
  /// parallelism, not where sm100 runs fp8 MoE through flashinfer_trtllm, not
  /// before 0.5 (not modelled there), not for other engines or models.
  @Test func sharedExpertsFuseOnlyWhereSGLangFusesThem() {
    let v = EngineVersion(0, 5)
    let ds = MoETests.deepseek
    let hopper = Self.hopper()
    func n(
      _ e: EngineKind, _ ver: EngineVersion, _ m: ModelSpec, _ d: DeviceSpec, _ p: Precision, _ ep: Int
    ) -> Int {
      SharedExpertFusion.experts(engine: e, version: ver, model: m, device: d, precision: p, expert: ep)
    }
    #expect(n(.sglang, v, ds, hopper, Self.fp8, 1) == 1)
    #expect(n(.vllm, EngineVersion(0, 11), ds, hopper, Self.fp8, 1) == 0)
    #expect(n(.trtllm, EngineVersion(1, 0), ds, hopper, Self.fp8, 1) == 0)
    #expect(n(.sglang, EngineVersion(0, 4), ds, hopper, Self.fp8, 1) == 0)
    #expect(n(.sglang, v, MoETests.mixtral, hopper, Self.fp8, 1) == 0)
    #expect(n(.sglang, v, ds, hopper, Self.fp8, 8) == 0)
    var rocm = hopper
    rocm.platform = .rocm
    #expect(n(.sglang, v, ds, rocm, Self.fp8, 1) == 0)
    #expect(n(.sglang, v, ds, Self.blackwell(), Self.fp8, 1) == 0)
    // bf16 on sm100 keeps the Triton MoE, which fuses.
    #expect(n(.sglang, v, ds, Self.blackwell(), Precision(), 1) == 1)
  }

  /// The fused kernel takes the shared expert as a ninth expert of every
  /// token: the same GEMM FLOPs as a separate MLP, a wider top-k combine, and
  /// none of the shared MLP's own kernels.
  @Test func fusedSharedExpertJoinsTheRoutedKernel() {
    let apart = cost()
    let fused = cost(fused: 1)
    let m = 4096.0
    let a = apart.moeBlock(tokens: m, mode: .eager)
    let f = fused.moeBlock(tokens: m, mode: .eager)
    #expect(abs(f.flops / a.flops - 1) < 0.01)
    #expect(f.kernels < a.kernels)
    // The combine sums 9 rows a token instead of 8.
    let combine8 = apart.topKCombine(tokens: m, assignments: 8 * m, mode: .eager)
    let combine9 = fused.topKCombine(tokens: m, assignments: 9 * m, mode: .eager)
    #expect(combine9.bytes > combine8.bytes)
    // Under expert parallelism nothing is fused.
    var ep = cost(fused: 1)
    ep.expertParallel = 8
    var epApart = cost()
    epApart.expertParallel = 8
    #expect(ep.moeBlock(tokens: m, mode: .eager) == epApart.moeBlock(tokens: m, mode: .eager))
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
