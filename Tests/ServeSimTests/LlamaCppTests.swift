import Testing

@testable import ServeSim

/// llama.cpp's `llama-server` (llama.cpp 0c1e57098): slots, their context,
/// refusal, batching and GGUF weight types.
struct LlamaCppTests {
  static func options(parallel: Int?, ctx: Int, unified: Bool? = nil) -> LlamaCppOptions {
    var o = LlamaCppOptions()
    o.parallel = parallel
    o.ctxSize = ctx
    o.kvUnified = unified
    return o
  }

  /// A llama.cpp plan of the fixtures' tiny model (8K context) with `options`.
  static func plan(
    _ options: LlamaCppOptions, workload: WorkloadSpec = Fixtures.workload(), budget: Int? = nil
  ) -> PlanSpec {
    var plan = Fixtures.plan(workload: workload, policy: .sarathi, engine: .llamacpp)
    plan.scheduler = EngineProfile.of(.llamacpp).scheduler
    var settings = SchedulerSettings()
    settings.maxNumBatchedTokens = budget
    plan.applyLlamaCpp(options, to: &settings)
    plan.applyScheduler(settings)
    return plan
  }

  @Test func slotsSplitTheContextEvenlyPaddedTo256() {
    // llama-context.cpp: n_ctx_seq = GGML_PAD(n_ctx / n_seq_max, 256).
    #expect(Self.options(parallel: 4, ctx: 4096).slotContext(trainContext: 8192) == 1024)
    #expect(Self.options(parallel: 3, ctx: 4096).slotContext(trainContext: 8192) == 1536)
    #expect(Self.options(parallel: 3, ctx: 4096).kvTokens(trainContext: 8192) == 3 * 1536)
    // n_ctx itself is padded; 0 takes the training context; the slot is capped by it.
    #expect(Self.options(parallel: 1, ctx: 1000).slotContext(trainContext: 8192) == 1024)
    #expect(Self.options(parallel: 2, ctx: 0).slotContext(trainContext: 8192) == 4096)
    #expect(Self.options(parallel: 1, ctx: 16384).slotContext(trainContext: 8192) == 8192)
  }

  @Test func aUnifiedCacheGivesEverySlotTheWholeContext() {
    let unified = Self.options(parallel: 4, ctx: 4096, unified: true)
    #expect(unified.slotContext(trainContext: 8192) == 4096)
    #expect(unified.kvTokens(trainContext: 8192) == 4096)
    // server.cpp: auto slots (-np unset) are 4 with a unified cache.
    let auto = LlamaCppOptions()
    #expect(auto.slots == 4 && auto.unified)
    #expect(!Self.options(parallel: 2, ctx: 4096).unified)
  }

  @Test func aPromptThatDoesNotFitItsSlotIsRefusedAndOutputIsCut() {
    #expect(LlamaCppOptions.admittedOutput(prompt: 1024, output: 10, slotContext: 1024) == nil)
    #expect(LlamaCppOptions.admittedOutput(prompt: 1000, output: 100, slotContext: 1024) == 24)
    #expect(LlamaCppOptions.admittedOutput(prompt: 100, output: 10, slotContext: 1024) == 10)
  }

  @Test func theSimulatorRefusesAndTruncatesAtTheSlot() throws {
    // Two slots of 512 tokens: 600-token prompts are refused...
    let refused = try Fixtures.run(
      Self.plan(
        Self.options(parallel: 2, ctx: 1024),
        workload: Fixtures.workload(requests: 4, input: .fixed(600), output: .fixed(10))))
    #expect(refused.requests.allSatisfy { $0.dropReason == .exceedsSlotContext })
    // ...and a 500-token prompt gets 12 of its 100 output tokens.
    let cut = try Fixtures.run(
      Self.plan(
        Self.options(parallel: 2, ctx: 1024),
        workload: Fixtures.workload(requests: 4, input: .fixed(500), output: .fixed(100))))
    #expect(cut.requests.allSatisfy { $0.status == .finished && $0.outputTokens == 12 })
  }

  @Test func requestsWaitForAFreeSlot() throws {
    let plan = Self.plan(
      Self.options(parallel: 2, ctx: 4096),
      workload: Fixtures.workload(requests: 6, input: .fixed(100), output: .fixed(20)))
    #expect(plan.scheduler.maxNumSeqs == 2)
    let result = try Fixtures.run(plan)
    #expect(result.iterations.allSatisfy { $0.batchSize <= 2 })
    #expect(result.requests.allSatisfy { $0.status == .finished })
    // The KV cache is the server's: two streams of 2048 tokens, not the device's room.
    #expect(result.memory.kvTokens == 4096)
  }

  @Test func promptsAreProcessedInBatchSizeChunks() throws {
    // -b 256: a 1000-token prompt takes four iterations (256, 256, 256, 232),
    // its first token sampled at the end of the last, then one decode.
    var options = Self.options(parallel: 1, ctx: 4096)
    options.batchSize = 256
    options.ubatchSize = 256
    let plan = Self.plan(
      options, workload: Fixtures.workload(requests: 1, input: .fixed(1000), output: .fixed(2)))
    #expect(plan.scheduler.maxNumBatchedTokens == 256)
    let result = try Fixtures.run(plan)
    #expect(result.iterations.map(\.prefillTokens) == [256, 256, 256, 232, 0])
  }

  @Test func aBatchRunsAsMicroBatchesOfUbatchTokens() throws {
    let plan = Self.plan(Self.options(parallel: 1, ctx: 4096))
    let cost = CostModel(
      model: plan.model, device: plan.cluster.device, precision: plan.precision,
      tensorGroup: CommGroup(ranks: 1, cluster: plan.cluster, engine: .llamacpp, customAllReduce: false))
    var profile = EngineProfile.of(.llamacpp)
    var whole = IterationPricer(cost: cost, profile: profile, maxTokens: 2048)
    profile.ubatchTokens = 512
    var split = IterationPricer(cost: cost, profile: profile, maxTokens: 2048)
    let chunks = split.microBatched(tokens: 1100, ubatch: 512, graph: false)
    let one = split.dense(tokens: 512, graph: false)
    let rest = split.dense(tokens: 76, graph: false)
    #expect(abs(chunks.layer - (2 * one.layer + rest.layer)) < 1e-15)
    var shape = BatchShape()
    shape.addPrefill(chunk: 2048, context: 2048, samples: true)
    // Each micro-batch streams the weights again: four passes cost more than one.
    #expect(split.price(shape).perLayer > whole.price(shape).perLayer)
  }

  @Test func ggufTypesCountTheirBlockScales() {
    #expect(DType.q8_0.bytes == 34.0 / 32)
    #expect(DType.q4_0.bytes == 18.0 / 32)
    #expect(abs(DType.q4KM.bytes * 8 - 4.89) < 0.01)
    #expect(DType.q4KM.rawValue == "q4_K_M" && DType.q4_0.isBlockQuantised && !DType.int4.isBlockQuantised)
    var plan = Self.plan(Self.options(parallel: 1, ctx: 4096))
    plan.precision.weights = .fp16
    let f16 = MemoryPlan(plan: plan).weightBytes
    plan.precision.weights = .q8_0
    // The layers' weights take 34 bytes per 32 (embeddings stay 16-bit).
    let layers = plan.model.parameters(ofLayers: 0..<plan.model.costedLayers)
    #expect(abs(MemoryPlan(plan: plan).weightBytes - f16 - layers * (34.0 / 32 - 2)) < 1)
    // Integer dot products on quantised blocks: int8 math where the device has it.
    #expect(Fixtures.device.matmulMath(weights: .q4_0, activations: .fp32).dtype == .bf16)
    var cpu = Fixtures.device
    cpu.peakTFLOPS[.int8] = 1
    #expect(cpu.matmulMath(weights: .q4_0, activations: .fp32).dtype == .int8)
  }

  @Test func aCPUStoreOfGGMLTimesPricesEachWeightTypeByItsOwnKernels() {
    // ggml multiplies a q8_0 weight by quantising the activations to q8_0
    // blocks (its vec_dot_type): a store timing those kernels keys them by
    // the weight type, and a plan of q8_0 weights on that CPU is priced by them.
    var cpu = Fixtures.device
    cpu.kind = .cpu
    cpu.peakTFLOPS = [.fp32: 1]
    func timed(_ dtype: DType, us: Double) -> KernelMeasurement {
      KernelMeasurement(
        device: "host", backend: "ggml-cpu", backendVersion: "0c1e57098", op: .gemm, dtype: dtype,
        shape: OperatorShape(m: 1, n: 4096, k: 1024), medianUs: us, spreadUs: 0, repeats: 5,
        measuredAt: "2026-11-30", host: "h")
    }
    let store = Calibration(
      device: "host", measurements: [timed(.q8_0, us: 150), timed(.fp16, us: 300)], fits: [])
    cpu.calibration = store
    func gemmSeconds(_ weights: DType) -> Double {
      let precision = Precision(weights: weights, activations: .fp32, kvCache: .fp16)
      let cost = CostModel(
        model: Fixtures.model, device: cpu, precision: precision, tensorGroup: Fixtures.group(1, .ringOnly))
      return cost.gemm(m: 1, n: 4096, k: 1024, mode: .eager).seconds
    }
    #expect(abs(gemmSeconds(.q8_0) - 150e-6) < 1e-12)
    #expect(abs(gemmSeconds(.fp16) - 300e-6) < 1e-12)
    // Without times of its own a weight type is looked up by its math (fp32
    // here), as before: the roofline, since the store has no fp32 rows.
    let roofline = gemmSeconds(.q4_0)
    #expect(roofline != 150e-6 && roofline != 300e-6)
    #expect(
      CostModel(
        model: Fixtures.model, device: cpu,
        precision: Precision(weights: .q4_0, activations: .fp32, kvCache: .fp16),
        tensorGroup: Fixtures.group(1, .ringOnly)
      ).gemmDType == .fp32)
  }

  @Test func threadsTakeTheirShareOfTheCores() {
    var options = Self.options(parallel: 1, ctx: 4096)
    options.threads = 25
    #expect(options.scaled(Fixtures.device).peakTFLOPS[.bf16] == 25)
    options.threads = 400
    #expect(options.scaled(Fixtures.device).peakTFLOPS[.bf16] == 100)
  }
}
