import Testing

@testable import ServeSim

/// Engine time outside kernels.
struct EngineOverheadTests {
  @Test func aRequestReachesTheSchedulerAfterTheAPIServer() throws {
    var plan = Fixtures.plan(workload: Fixtures.workload(.offline, requests: 1))
    plan.tokenizeUsPerToken = nil
    let profile = EngineProfile.of(plan: plan)
    // Its 100-token prompt's tokenisation, then the server's fixed time.
    let overhead = 100 * profile.tokenizeUsPerToken * 1e-6 + profile.requestOverheadMs * 1e-3
    #expect(profile.requestOverheadMs > 0)
    let result = try Fixtures.run(plan)
    let first = try #require(result.iterations.first)
    // The client sent it at 0; the engine saw it only after the API server's time…
    #expect(first.start == overhead)
    let request = try #require(result.requests.first)
    #expect(request.arrival == 0)
    // …and that time is part of its TTFT.
    #expect(abs((request.ttft ?? 0) - (overhead + first.duration)) < 1e-12)
  }

  /// The API server tokenises prompts one at a time, in the order they were
  /// sent (`EngineProfile.tokenizeUsPerToken`): requests sent together reach
  /// the scheduler one tokenisation apart, and a longer prompt waits longer.
  @Test func theAPIServerTokenisesPromptsOneAtATime() throws {
    for engine in [EngineKind.vllm, .sglang, .trtllm] {
      #expect(EngineProfile.of(engine).tokenizeUsPerToken == EngineProfile.hfTokenizeUsPerToken)
    }
    #expect(EngineProfile.of(.llamacpp).tokenizeUsPerToken == 0)
    let workload = Fixtures.workload(.offline, requests: 2, input: .fixed(4000), output: .fixed(4))
    var plan = Fixtures.plan(workload: workload, budget: 8192)
    plan.tokenizeUsPerToken = nil
    let profile = EngineProfile.of(plan: plan)
    let tokenise = 4000 * profile.tokenizeUsPerToken * 1e-6
    #expect(abs(tokenise - 0.0096) < 1e-12)
    let result = try Fixtures.run(plan)
    let (a, b) = (result.requests[0], result.requests[1])
    #expect(a.arrival == 0 && b.arrival == 0)
    // The first prompt reached the idle engine alone and ran at once…
    let first = try #require(result.iterations.first)
    #expect(abs(first.start - (tokenise + profile.requestOverheadMs * 1e-3)) < 1e-12)
    #expect(a.firstScheduled == first.start)
    // …the second was still being tokenised: it joined a later batch, and
    // its TTFT holds both tokenisations.
    #expect(b.firstScheduled > a.firstScheduled)
    #expect(try #require(b.ttft) > 2 * tokenise + profile.requestOverheadMs * 1e-3)
    // Without that time both form the first batch (its budget holds them).
    plan.tokenizeUsPerToken = 0
    let together = try Fixtures.run(plan)
    #expect(together.requests[0].firstScheduled == together.requests[1].firstScheduled)
  }

  /// `engine: {cuda_graph_max_batch: N}` moves the largest decode batch that
  /// replays a CUDA graph; a larger one issues its kernels eagerly.
  @Test func theGraphLimitDecidesWhichDecodesReplayGraphs() throws {
    var plan = Fixtures.plan(workload: Fixtures.workload(.offline, requests: 1))
    plan.engine = .trtllm
    plan.engineVersion = EngineVersion(1, 0)
    var shape = BatchShape()
    for _ in 0..<600 { shape.addDecode(context: 300) }
    var eager = try Simulator(plan: plan).pools.pricers[0]
    #expect(EngineProfile.of(plan: plan).graphMaxBatch == 512)
    let eagerCost = eager.price(shape)
    #expect(!eagerCost.graph)
    plan.cudaGraphMaxBatch = 1024
    #expect(plan.validate().isEmpty)
    #expect(EngineProfile.of(plan: plan).graphMaxBatch == 1024)
    var graphs = try Simulator(plan: plan).pools.pricers[0]
    let graphCost = graphs.price(shape)
    #expect(graphCost.graph)
    let layers = plan.model.costedLayers
    #expect(graphCost.seconds(layers: layers) < eagerCost.seconds(layers: layers))
    plan.engineVersion = EngineVersion(0, 19)
    #expect(plan.validate().contains { $0.keyPath == "engine.cuda_graph_max_batch" })
  }

  /// The fixture model on one fixture device, priced by `profile`.
  func pricer(_ profile: EngineProfile, precision: Precision = Precision()) -> IterationPricer {
    let cost = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: precision,
      tensorGroup: Fixtures.group(1, .ringOnly))
    return IterationPricer(cost: cost, profile: profile, maxTokens: 4096)
  }

  @Test func anEagerLayerTakesAtLeastTheHostTimeToIssueItsKernels() {
    var profile = EngineProfile.of(.vllm)
    profile.graphMaxBatch = 0
    profile.hostKernelUs = 0
    var gpuOnly = pricer(profile)
    profile.hostKernelUs = 200
    var hostBound = pricer(profile)
    var shape = BatchShape()
    shape.addPrefill(chunk: 4, context: 4, samples: true)
    let kernels =
      gpuOnly.cost.denseLayer(tokens: 4, mode: .eager).kernels
      + gpuOnly.cost.attentionPrefill(shape, mode: .eager).kernels
    let fast = gpuOnly.price(shape)
    let slow = hostBound.price(shape)
    // A 4-token layer runs in far less than its kernels take to issue.
    #expect(fast.perLayer < kernels * 200e-6)
    #expect(abs(slow.perLayer - kernels * 200e-6) < 1e-12)
    // A captured graph is issued at once: the host's time does not apply.
    profile.graphMaxBatch = 512
    var graphed = pricer(profile)
    var decode = BatchShape()
    decode.addDecode(context: 10)
    #expect(graphed.price(decode).graph)
    #expect(graphed.price(decode).perLayer < kernels * 200e-6 / 2)
  }

  @Test func eagerKernelsWaitForTheirIssueOneByOne() {
    // A 70B-sized layer: at 512 tokens its GEMMs run far longer than their
    // issue, its norms and elementwise kernels far shorter.
    var model = Fixtures.model
    model.hiddenSize = 8192
    model.heads = 64
    model.kvHeads = 8
    model.intermediateSize = 28672
    var profile = EngineProfile.of(.sglang)
    profile.hostKernelUs = 30
    let cost = IterationPricer(
      cost: CostModel(
        model: model, device: Fixtures.device, precision: Precision(),
        tensorGroup: Fixtures.group(1, .ringOnly)), profile: profile, maxTokens: 4096
    ).cost
    let issue = 30e-6
    // Each eager kernel takes the longer of its issue and its run.
    let norm = cost.norm(tokens: 512, mode: .eager)
    #expect(norm.seconds < issue && abs(norm.seconds + norm.idle - issue) < 1e-15)
    let gemm = cost.gemm(m: 512, n: 8192, k: 8192, mode: .eager)
    #expect(gemm.seconds > issue && gemm.idle == 0)
    // A captured graph is issued at once.
    #expect(cost.norm(tokens: 512, mode: .graph).idle == 0)
    // A layer of both costs its long kernels' runs plus its short kernels'
    // issue: more than its runs or its issue alone (the host does not keep
    // ahead of the device).
    let layer = cost.denseLayer(tokens: 512, mode: .eager)
    #expect(layer.idle > 0)
    #expect(layer.seconds + layer.idle > max(layer.seconds, layer.kernels * issue))
    // The pricer's eager layer is that, with attention's own wait.
    var pricer = IterationPricer(cost: cost, profile: profile, maxTokens: 4096)
    var shape = BatchShape()
    shape.addPrefill(chunk: 512, context: 512, samples: true)
    let attention = cost.attentionPrefill(shape, mode: .eager)
    let priced = pricer.price(shape)
    #expect(!priced.graph)
    #expect(
      abs(priced.perLayer - (layer.seconds + layer.idle + attention.seconds + attention.idle)) < 1e-12)
    // A host that keeps ahead (vLLM's compiled V1) hides the issue behind the run.
    profile.hostKeepsAhead = true
    var ahead = IterationPricer(cost: cost, profile: profile, maxTokens: 4096)
    let run = layer.seconds + attention.seconds
    #expect(run > (layer.kernels + attention.kernels) * issue)
    #expect(abs(ahead.price(shape).perLayer - run) < 1e-12)
  }

  @Test func fp8MathQuantisesEachGEMMInputInItsOwnKernel() {
    let profile = EngineProfile.of(.vllm)
    let bf16 = pricer(profile).cost
    let fp8 = pricer(profile, precision: Precision(weights: .fp8, activations: .fp8)).cost
    let plain = bf16.gemm(m: 16, n: 1024, k: 1024, mode: .graph)
    let quantised = fp8.gemm(m: 16, n: 1024, k: 1024, mode: .graph)
    #expect(plain.kernels == 1)
    #expect(quantised.kernels == 2)
    // The quantisation kernel reads the 16-bit rows and writes them in fp8.
    #expect(quantised.bytes - 1024 * 1024 * 1 - 16 * (1024 + 1024) * 2 >= 16 * 1024 * 3)
    // An engine that quantises in the producing kernel (TensorRT-LLM)
    // launches none, except for block-scaled checkpoints.
    var fused = fp8
    fused.fusesActivationQuantisation = true
    #expect(fused.gemm(m: 16, n: 1024, k: 1024, mode: .graph).kernels == 1)
    var blockModel = Fixtures.model
    blockModel.fp8BlockSize = 128
    var block = CostModel(
      model: blockModel, device: Fixtures.device, precision: Precision(weights: .fp8, activations: .fp8),
      tensorGroup: Fixtures.group(1, .ringOnly))
    block.fusesActivationQuantisation = true
    #expect(block.gemm(m: 16, n: 1024, k: 1024, mode: .graph).kernels == 2)
  }

  @Test func smallDecodeAttentionSplitsTheContextAndPaysTwoKernelFloors() {
    let cost = pricer(EngineProfile.of(.vllm)).cost
    var small = BatchShape()
    small.addDecode(context: 10)
    // 1 sequence × 2 KV heads leave most of the 100 compute units idle:
    // split-KV, then a combine kernel, each a full eager launch (10 us).
    let split = cost.attentionDecode(small, mode: .eager)
    #expect(split.kernels == 2)
    #expect(split.seconds >= 2 * 10e-6)
    var large = BatchShape()
    for _ in 0..<100 { large.addDecode(context: 10) }
    let whole = cost.attentionDecode(large, mode: .eager)
    #expect(whole.kernels == 1)
  }

  @Test func anOverlappingSchedulerHidesItsCPUTimeBehindTheDevice() {
    var profile = EngineProfile.of(.sglang)
    profile.iterationOverheadUs = 5
    profile.perSequenceOverheadUs = 0
    profile.overlapsScheduling = false
    var serial = pricer(profile)
    profile.overlapsScheduling = true
    var overlapped = pricer(profile)
    var shape = BatchShape()
    shape.addDecode(context: 100)
    let layers = Fixtures.model.layers
    let a = serial.price(shape).seconds(layers: layers)
    let b = overlapped.price(shape).seconds(layers: layers)
    // 5 us of scheduling fit inside the device's time: hidden.
    #expect(abs(a - b - 5e-6) < 1e-12)
    // A scheduler slower than the device sets the pace.
    profile.iterationOverheadUs = 1e6
    var slow = pricer(profile)
    #expect(abs(slow.price(shape).seconds(layers: layers) - 1.0) < 1e-12)
  }

  @Test func aColdServersFirstBatchPaysTheEnginesStartUpWork() throws {
    var plan = Fixtures.plan(workload: Fixtures.workload(.offline, requests: 4), engine: .trtllm)
    let cold = EngineProfile.of(.trtllm).coldStartMs * 1e-3
    #expect(cold > 0)
    let warm = try Fixtures.run(plan)
    plan.workload.coldStart = true
    let started = try Fixtures.run(plan)
    // Only the first iteration is longer, by the start-up work.
    #expect(abs(started.iterations[0].duration - warm.iterations[0].duration - cold) < 1e-9)
    #expect(started.iterations[1].duration == warm.iterations[1].duration)
    let ttft = try #require(started.requests.first?.ttft)
    #expect(abs(ttft - (try #require(warm.requests.first?.ttft)) - cold) < 1e-9)
  }
}
