import Testing

@testable import ServeSim

/// The fused-MoE work per routed row that tensor parallelism does not
/// divide (`CostModel.fusedMoERowSeconds`, `EngineProfile.fusedMoERowPs`),
/// and SGLang's attention share on ROCm (`attentionComputeShare`).
@Suite struct FusedMoERowCostTests {
  static func cost(rowPs: Double = 0, expert: Int = 1) -> CostModel {
    var c = CostModel(
      model: MoETests.deepseek, device: Fixtures.device, precision: SGLangDeepSeekPathTests.fp8,
      tensorGroup: Fixtures.group(8, .ringOnly))
    c.fusedMoERowSeconds = rowPs * 1e-12
    c.expertParallel = expert
    return c
  }

  /// Tensor parallelism 8, no expert parallelism: every rank pays the row
  /// cost for all tokens × top-k rows at the full hidden width.
  @Test func theRowCostAddsRowsTimesHiddenOnEveryTensorRank() {
    let m = 8192.0
    let ds = MoETests.deepseek
    let rows = m * Double(ds.moe?.expertsPerToken ?? 0)
    let plain = Self.cost().fusedExperts(tokens: m, mode: .graph)
    let with = Self.cost(rowPs: 3.4).fusedExperts(tokens: m, mode: .graph)
    let expected = rows * Double(ds.hiddenSize) * 3.4e-12
    #expect(expected > 1e-3)
    #expect(abs(with.seconds - plain.seconds - expected) < 1e-9)
    #expect(with.flops == plain.flops && with.bytes == plain.bytes)
  }

  /// Under expert parallelism 8 a rank runs only the rows routed to its
  /// experts (the busiest rank's), about an eighth: the row cost shrinks
  /// with them, which is why DeepSeek's TP8/EP8 runs on B200 need little of it.
  @Test func expertParallelRanksPayOnlyTheirOwnRows() {
    let m = 8192.0
    let tp =
      Self.cost(rowPs: 3.4).fusedExperts(tokens: m, mode: .graph).seconds
      - Self.cost().fusedExperts(tokens: m, mode: .graph).seconds
    let ep =
      Self.cost(rowPs: 3.4, expert: 8).fusedExperts(tokens: m, mode: .graph).seconds
      - Self.cost(expert: 8).fusedExperts(tokens: m, mode: .graph).seconds
    #expect(ep > 0)
    #expect(ep < tp / 6 && ep > tp / 10)
  }

  /// A shared expert run as an MLP of its own is a plain GEMM pair, not the
  /// grouped kernel: no row cost.
  @Test func sharedExpertsOutsideTheFusedKernelPayNoRowCost() {
    let c = Self.cost(rowPs: 3.4)
    let plain = Self.cost()
    let shared = c.expertGEMMs(assignments: 4096, activeExperts: 1, inner: 256, grouped: false, mode: .graph)
    #expect(
      shared
        == plain.expertGEMMs(assignments: 4096, activeExperts: 1, inner: 256, grouped: false, mode: .graph))
  }

  /// SGLang's sm100 path (FlashInfer's TensorRT-LLM MoE) takes the measured
  /// row cost; Hopper's Triton MoE, ROCm, TensorRT-LLM and vLLM none.
  @Test func onlySGLangOnSM100TakesTheFlashInferRowCost() {
    func plan(_ engine: EngineKind, _ device: DeviceSpec) -> PlanSpec {
      var p = Fixtures.plan(
        policy: engine == .sglang ? .sglang : .vllm, model: MoETests.deepseek, engine: engine)
      p.precision = SGLangDeepSeekPathTests.fp8
      p.parallelism = Parallelism(tensor: 8)
      p.cluster.device = device
      p.cluster.device.memoryGB = 400
      return p
    }
    let blackwell = SGLangDeepSeekPathTests.blackwell()
    let hopper = SGLangDeepSeekPathTests.hopper()
    var rocm = hopper
    rocm.platform = .rocm
    #expect(
      EngineProfile.of(plan: plan(.sglang, blackwell)).fusedMoERowPs == EngineProfile.flashInferMoERowPs)
    #expect(EngineProfile.of(plan: plan(.sglang, hopper)).fusedMoERowPs == 0)
    #expect(EngineProfile.of(plan: plan(.sglang, rocm)).fusedMoERowPs == 0)
    #expect(EngineProfile.of(plan: plan(.trtllm, blackwell)).fusedMoERowPs == 0)
    #expect(EngineProfile.of(plan: plan(.vllm, blackwell)).fusedMoERowPs == 0)
  }

  /// SGLang on ROCm reaches a fifth of the device's attention figure: a
  /// compute-bound MLA prefill (8K tokens, no cached context) takes about
  /// five times as long; CUDA devices keep the device's figure.
  @Test func sglangOnROCmPricesMLAAttentionAtItsShare() throws {
    var rocm = Fixtures.device
    rocm.platform = .rocm
    let profile = EngineProfile.of(.sglang, version: EngineVersion(0, 5), device: rocm)
    #expect(profile.attentionComputeShare == EngineProfile.sglangROCmAttentionShare)
    #expect(
      EngineProfile.of(.sglang, version: EngineVersion(0, 5), device: Fixtures.device).attentionComputeShare
        == 1)
    let mla = try #require(MoETests.deepseek.mla)
    var shape = BatchShape()
    shape.addPrefill(chunk: 8192, context: 8192, samples: true)
    let base = Self.cost()
    var shared = Self.cost()
    shared.attentionComputeShare = profile.attentionComputeShare
    let a = base.mlaPrefillAttentionKernel(shape, mla, mode: .graph)
    let b = shared.mlaPrefillAttentionKernel(shape, mla, mode: .graph)
    let ratio = b.seconds / a.seconds
    #expect(
      ratio > 0.9 / EngineProfile.sglangROCmAttentionShare
        && ratio <= 1 / EngineProfile.sglangROCmAttentionShare)
    #expect(a.flops == b.flops)
  }
}
