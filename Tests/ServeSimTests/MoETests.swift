import Testing

@testable import ServeSim

@Suite struct MoETests {
  static let mixtral = ModelSpec(
    name: "mixtral-8x7b", layers: 32, hiddenSize: 4096, heads: 32, kvHeads: 8, headDim: 128,
    intermediateSize: 14336, vocabSize: 32000, maxContext: 32768,
    moe: MoESpec(experts: 8, expertsPerToken: 2, expertIntermediateSize: 14336))

  static let deepseek = ModelSpec(
    name: "deepseek-v3", layers: 61, hiddenSize: 7168, heads: 128, kvHeads: 128, headDim: 128,
    intermediateSize: 18432, vocabSize: 129280, maxContext: 163840,
    moe: MoESpec(
      experts: 256, expertsPerToken: 8, expertIntermediateSize: 2048, sharedExperts: 1,
      denseLayers: 3),
    mla: MLASpec(qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128))

  func cost(_ model: ModelSpec, tensor: Int, expert: Int = 1, imbalance: Double = 0) -> CostModel {
    var c = CostModel(
      model: model, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(tensor, .ringOnly))
    c.expertParallel = expert
    c.expertImbalance = imbalance
    return c
  }

  @Test func publishedParameterCounts() {
    // Mixtral: 46.7B in all (Jiang et al. 2024); DeepSeek-V3: 671B (without MTP).
    #expect(abs(Self.mixtral.parameterCount / 46.7e9 - 1) < 0.01)
    #expect(abs(Self.deepseek.parameterCount / 671e9 - 1) < 0.02)
    // 12.9B active for Mixtral, 37B for DeepSeek-V3.
    let mixtralActive = Self.mixtral.activeParametersPerLayer * 32 + Self.mixtral.embeddingParameters
    #expect(abs(mixtralActive / 12.9e9 - 1) < 0.02)
  }

  @Test func expectedActiveExperts() throws {
    let moe = try #require(Self.mixtral.moe)
    #expect(abs(moe.expectedActiveExperts(assignments: 1) - 1) < 1e-12)
    #expect(abs(moe.expectedActiveExperts(assignments: 2) - 1.875) < 1e-12)
    #expect(moe.expectedActiveExperts(assignments: 10_000) > 7.999)
  }

  @Test func mlaCachesTheLatentOnly() {
    // 512 latent + 64 rotary elements per token and layer, on every rank.
    #expect(Self.deepseek.kvElementsPerTokenPerLayer(tensor: 8) == 576)
    #expect(Self.deepseek.kvElementsPerToken == 576 * 61)
    #expect(Self.mixtral.kvElementsPerTokenPerLayer(tensor: 8) == 2 * 1 * 128)
  }

  @Test func decodeReadsOnlyTheRoutedExperts() {
    let c = cost(Self.mixtral, tensor: 1)
    // One token, two experts: weights of ~1.875 experts on average are read.
    let one = c.expertGEMMs(assignments: 2, activeExperts: 1.875, inner: 14336, mode: .graph)
    let expertBytes = 3.0 * 4096 * 14336 * 2
    #expect(abs(one.bytes / (1.875 * expertBytes) - 1) < 0.01)
    let block = c.moeBlock(tokens: 1, mode: .graph)
    #expect(block.bytes < 2 * expertBytes)
    #expect(block.bytes > 1.8 * expertBytes)
  }

  /// The engines' fused-MoE kernels reach a share of the GEMM compute rate
  /// (fitted on AIConfigurator's measured kernels): compute-bound expert
  /// GEMMs take 1 / share as long, weight-bound ones the same, and the FLOPs
  /// reported stay the products'.
  @Test func fusedMoEKernelsComputeAtTheEnginesShare() {
    var c = cost(Self.mixtral, tensor: 1)
    // Datasheet roofline: 8,192 rows through two experts' three projections
    // (14336 x 4096) are 2.9 PFLOP, 29 ms at 100 TFLOP/s, against 0.7 ms to
    // read their 0.7 GB of weights.
    func experts(_ c: CostModel, _ rows: Double) -> OperatorEstimate {
      c.expertGEMMs(assignments: rows, activeExperts: 2, inner: 14336, inputRows: rows, mode: .graph)
    }
    let full = experts(c, 8192)
    c.fusedMoEComputeShare = 0.5
    let half = experts(c, 8192)
    let gemmFlops = 2 * 8192 * 3 * 14336 * 4096.0
    #expect(abs((half.seconds - full.seconds) - gemmFlops / 100e12) < 1e-9 * full.seconds)
    #expect(half.flops == full.flops)
    // One row through two experts reads their weights: the share changes nothing.
    c.fusedMoEComputeShare = 1
    let read = experts(c, 2)
    c.fusedMoEComputeShare = 0.5
    #expect(experts(c, 2).seconds == read.seconds)
    // Each engine's share; TensorRT-LLM's TensorRT engines (before 1.0) unmeasured.
    #expect(EngineProfile.of(.sglang).fusedMoEComputeShare == EngineProfile.sglangFusedMoEComputeShare)
    #expect(EngineProfile.of(.vllm).fusedMoEComputeShare == 0.8)
    #expect(EngineProfile.of(.trtllm).fusedMoEComputeShare == 0.5)
    #expect(EngineProfile.of(.trtllm, version: EngineVersion(0, 19)).fusedMoEComputeShare == 1)
    var rocm = Fixtures.device
    rocm.platform = .rocm
    #expect(EngineProfile.of(.sglang, device: rocm).fusedMoEComputeShare == 1)
  }

  /// The fused MoE sums each token's top-k expert rows in a kernel of its own
  /// (SGLang 0.5.5 `moe_sum_reduce`): its bytes are the top-k rows read and
  /// the token rows written.
  @Test func fusedMoESumsTheTopKRowsInAKernelOfItsOwn() throws {
    let c = cost(Self.deepseek, tensor: 8)
    let m = 8192.0
    let moe = try #require(Self.deepseek.moe)
    let combine = c.topKCombine(tokens: m, assignments: m * 8, mode: .eager)
    #expect(combine.bytes == (8 * m + m) * 7168 * 2)
    // One expert per token writes in place: nothing to sum.
    #expect(c.topKCombine(tokens: m, assignments: m, mode: .eager).bytes == 0)
    let experts = c.expertGEMMs(
      assignments: m * 8, activeExperts: moe.expectedActiveExperts(assignments: m * 8), inner: 2048 / 8,
      mode: .eager)
    let block = c.moeBlock(tokens: m, mode: .eager)
    // The block holds the combine's bytes beside the expert GEMMs' and the rest.
    #expect(block.bytes > experts.bytes + combine.bytes)
  }

  /// SGLang 0.5.5's fused MoE quantises each token's hidden state once for
  /// the gate/up GEMM (which reads it by sorted index), not once per expert
  /// it is routed to; the down GEMM's input has a row per assignment.
  @Test func fusedMoEQuantisesEachTokenOnceForGateUp() {
    let c = CostModel(
      model: Self.deepseek, device: Fixtures.device,
      precision: Precision(weights: .fp8, activations: .fp8, kvCache: .bf16),
      tensorGroup: Fixtures.group(8, .ringOnly))
    let m = 4096.0
    let perAssignment = c.expertGEMMs(assignments: 8 * m, activeExperts: 256, inner: 256, mode: .eager)
    let perToken = c.expertGEMMs(
      assignments: 8 * m, activeExperts: 256, inner: 256, inputRows: m, mode: .eager)
    let quantisedRows = c.activationQuantisation(rows: 7 * m, width: 7168, mode: .eager)
    #expect(quantisedRows.bytes > 0)
    #expect(abs(perAssignment.bytes - perToken.bytes - quantisedRows.bytes) < 1)
  }

  @Test func expertParallelismSplitsTheSameWorkAndEndsWithTheAllReduce() throws {
    let tp = cost(Self.mixtral, tensor: 8, expert: 1)
    let ep = cost(Self.mixtral, tensor: 8, expert: 8)
    let m = 4096.0
    // Per-rank expert FLOPs are equal under uniform routing.
    let a = tp.expertGEMMs(assignments: m * 2, activeExperts: 8, inner: 14336 / 8, mode: .eager)
    let b = ep.expertGEMMs(assignments: m * 2 / 8, activeExperts: 1, inner: 14336, mode: .eager)
    #expect(abs(a.flops / b.flops - 1) < 1e-12)
    // Imbalance slows the busiest rank.
    let skewed = cost(Self.mixtral, tensor: 8, expert: 8, imbalance: 0.5)
    #expect(skewed.moeBlock(tokens: m, mode: .eager).seconds > ep.moeBlock(tokens: m, mode: .eager).seconds)
    #expect(ep.moeBlock(tokens: m, mode: .eager).seconds != tp.moeBlock(tokens: m, mode: .eager).seconds)
    // Without attention data parallelism every rank holds the whole batch:
    // the router, the busiest rank's experts and the tensor group's
    // all-reduce, no all-to-all (SGLang 0.5.5 DeepseekV2MoE.forward_normal).
    let moe = try #require(Self.mixtral.moe)
    let busiest = ep.busiestExpertRank(moe, assignments: m * 2)
    var expected = ep.router(tokens: m, moe: moe, mode: .eager)
    expected += ep.expertGEMMs(
      assignments: busiest.rows, activeExperts: busiest.activeExperts, inner: 14336, inputRows: m,
      mode: .eager)
    expected += ep.tensorAllReduce(tokens: m, mode: .eager)
    #expect(abs(ep.moeBlock(tokens: m, mode: .eager).seconds / expected.seconds - 1) < 1e-12)
  }

  /// The busiest expert-parallel rank under uniform random routing: the
  /// expected largest of the ranks' binomial counts, against the expected
  /// maximum of normals and a Monte Carlo of DeepSeek-V3's top-8 of 256.
  @Test func theBusiestRankFollowsRandomRouting() throws {
    #expect(CostModel.expectedMaxOfNormals(1) == 0)
    #expect(abs(CostModel.expectedMaxOfNormals(2) - 0.5642) < 1e-3)
    #expect(abs(CostModel.expectedMaxOfNormals(8) - 1.4236) < 1e-3)
    let moe = try #require(Self.deepseek.moe)
    let z = CostModel.expectedMaxOfNormals(8)
    var rng = SplitMix64(seed: 11)
    for tokens in [4, 16] {
      let trials = 3000
      var rows = 0.0
      var active = 0.0
      for _ in 0..<trials {
        var perRank = [Int](repeating: 0, count: 8)
        var hit = Set<Int>()
        for _ in 0..<tokens {
          var chosen = Set<Int>()
          while chosen.count < 8 { chosen.insert(Int(rng.next() % 256)) }
          for expert in chosen {
            perRank[expert / 32] += 1
            hit.insert(expert)
          }
        }
        var activePerRank = [Int](repeating: 0, count: 8)
        for expert in hit { activePerRank[expert / 32] += 1 }
        rows += Double(perRank.max() ?? 0)
        active += Double(activePerRank.max() ?? 0)
      }
      let busiest = moe.busiestRank(assignments: Double(tokens * 8), ranks: 8, z: z)
      #expect(abs(busiest.rows / (rows / Double(trials)) - 1) < 0.1, "rows at \(tokens) tokens")
      #expect(abs(busiest.activeExperts / (active / Double(trials)) - 1) < 0.1, "experts at \(tokens) tokens")
      // Well above the mean for a small batch.
      #expect(busiest.rows > 1.3 * Double(tokens))
    }
    // A prefill's thousands of assignments spread evenly; one rank holds
    // at most its own 32 experts.
    let prefill = moe.busiestRank(assignments: 64_000, ranks: 8, z: z)
    #expect(prefill.rows / 8000 < 1.02 && prefill.activeExperts == 32)
    #expect(moe.busiestRank(assignments: 32, ranks: 1, z: 0).rows == 32)
  }

  @Test func mixtralSimulatesWithExpertParallelism() throws {
    var plan = Fixtures.plan(
      workload: Fixtures.workload(.poisson(rate: 20), requests: 30, input: .fixed(300), output: .fixed(20)),
      parallelism: Parallelism(tensor: 8, expert: 8), model: Self.mixtral)
    plan.cluster.device.memoryGB = 80
    let result = try Fixtures.run(plan)
    #expect(result.requests.allSatisfy { $0.status == .finished })
    plan.parallelism.expert = 3
    #expect(plan.validate().contains { $0.keyPath == "parallelism.expert" })
  }
}
