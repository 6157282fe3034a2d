import Testing

@testable import ServeSim

/// Each operator against a hand calculation on the round-number device
/// (100 TFLOP/s, 1000 GB/s, efficiencies 1, attention 0.5, launch 10 us).
@Suite struct CostModelTests {
  let cost = CostModel(
    model: Fixtures.model, device: Fixtures.device, precision: Precision(),
    tensorGroup: Fixtures.group(1, .customInNode))

  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-12) }

  @Test func smallGemmIsMemoryBound() {
    let e = cost.gemm(m: 10, n: 1024, k: 1024, mode: .eager)
    #expect(e.flops == 2 * 10 * 1024 * 1024)
    // weights 1024·1024·2 B + activations (10·1024 + 10·1024)·2 B
    #expect(e.bytes == 2_138_112)
    #expect(close(e.seconds, 2_138_112 / 1e12 + 10e-6))
  }

  @Test func largeGemmIsComputeBound() {
    let e = cost.gemm(m: 4096, n: 4096, k: 4096, mode: .graph)
    #expect(close(e.seconds, 2 * 4096.0 * 4096 * 4096 / 100e12 + 1e-6))
  }

  @Test func decodeAttentionReadsEachContextOnce() {
    var shape = BatchShape()
    for context in [500, 1000, 1500] { shape.addDecode(context: context) }
    let e = cost.attentionDecode(shape, mode: .eager)
    #expect(e.flops == 4 * 8 * 128 * 3000)
    // K and V: 3000 tokens · 2 · 2 KV heads · 128 · 2 B; Q and O: 3 · 2 · 8 · 128 · 2 B
    #expect(e.bytes == 3_072_000 + 12_288)
    // 3 sequences × 2 KV heads do not fill 100 compute units: split-KV and
    // a combine kernel, two launches.
    #expect(close(e.seconds, 3_084_288 / 1e12 + 2 * 10e-6))
  }

  @Test func prefillAttentionCountsCausalPairs() {
    var shape = BatchShape()
    shape.addPrefill(chunk: 100, context: 100, samples: true)
    #expect(shape.prefillAttentionPairs == 5050)
    let e = cost.attentionPrefill(shape, mode: .eager)
    #expect(e.flops == 4 * 8 * 128 * 5050)
    #expect(e.bytes == 102_400 + 409_600)
    #expect(close(e.seconds, max(e.flops / 50e12, 512_000 / 1e12) + 10e-6))
    // A second chunk of 100 over 300 tokens of context: 100·200 + 5050 pairs.
    var later = BatchShape()
    later.addPrefill(chunk: 100, context: 300, samples: false)
    #expect(later.prefillAttentionPairs == 25050)
    #expect(later.sampledSequences == 0)
  }

  /// FlashAttention-3's tiles (`AttentionTiles`, share 0.5, 2 us a tile):
  /// a 128 × 128 block of width 128 is 8.39 MFLOP, 16.78 us on one of the
  /// 100 SMs at 0.5 of 1 TFLOP/s each.
  @Test func prefillAttentionByTiles() {
    var device = Fixtures.device
    device.attentionTiles = AttentionTiles(share: 0.5, tileUs: 2)
    let tiled = CostModel(
      model: Fixtures.model, device: device, precision: Precision(),
      tensorGroup: Fixtures.group(1, .customInNode))
    let block = 4 * 128.0 * 128 * 128 / 0.5e12
    // One 300-token prompt: 3 query tiles computing 1, 2 and 3 key blocks
    // (the masked diagonal whole); 8 heads × 3 tiles fill 24 SMs, so the
    // longest tile decides: 2 us + 3 blocks.
    var one = BatchShape()
    one.addPrefill(chunk: 300, context: 300, samples: true)
    #expect(one.prefillTiles == 3 && one.prefillTileBlocks == 6 && one.prefillLongestTile == 3)
    #expect(close(tiled.attentionPrefill(one, mode: .eager).seconds, 2e-6 + 3 * block + 10e-6))
    // At the attention rate alone the same prompt takes 3.7 us of compute.
    #expect(close(cost.attentionPrefill(one, mode: .eager).seconds, 4 * 8 * 128 * 45150 / 50e12 + 10e-6))
    // Forty 1,024-token prompts: 320 tiles and 1,440 blocks a head, spread
    // over the SMs.
    var many = BatchShape()
    for _ in 0..<40 { many.addPrefill(chunk: 1024, context: 1024, samples: true) }
    #expect(many.prefillTiles == 320 && many.prefillTileBlocks == 1440)
    let spread = 8 * (320 * 2e-6 + 1440 * block) / 100
    #expect(close(tiled.attentionPrefill(many, mode: .eager).seconds, spread + 10e-6))
    // A chunk continuing 256 tokens of its prompt: each of its 2 tiles also
    // reads the 2 blocks before it.
    var chunk = BatchShape()
    chunk.addPrefill(chunk: 256, context: 512, samples: false)
    #expect(chunk.prefillTileBlocks == 2 * 2 + 3 && chunk.prefillLongestTile == 4)
    // TensorRT-LLM runs its own context kernel: the device's trtllm tiles
    // (4 us a tile, blocks at 0.25 of the peak) price its prefill; the
    // other engines keep FlashAttention-3's, as do devices without them.
    device.trtllmAttentionTiles = AttentionTiles(share: 0.25, tileUs: 4)
    var own = CostModel(
      model: Fixtures.model, device: device, precision: Precision(),
      tensorGroup: Fixtures.group(1, .customInNode))
    own.useAttentionKernels(of: .vllm)
    #expect(close(own.attentionPrefill(one, mode: .eager).seconds, 2e-6 + 3 * block + 10e-6))
    own.useAttentionKernels(of: .trtllm)
    #expect(close(own.attentionPrefill(one, mode: .eager).seconds, 4e-6 + 3 * 2 * block + 10e-6))
    #expect(own.attentionTiles == AttentionTiles(share: 0.25, tileUs: 4))
    var plain = tiled
    plain.useAttentionKernels(of: .trtllm)
    #expect(plain.attentionTiles == AttentionTiles(share: 0.5, tileUs: 2))
  }

  @Test func decodeAttentionByTiles() {
    var device = Fixtures.device
    device.attentionTiles = AttentionTiles(share: 0.5, tileUs: 2, decodeBandwidth: 0.5, decodeTileUs: 10)
    let tiled = CostModel(
      model: Fixtures.model, device: device, precision: Precision(),
      tensorGroup: Fixtures.group(1, .customInNode))
    // 400 sequences over 10 cached tokens: 800 (sequence, KV head) tiles of
    // 10 us over 100 SMs (80 us) outlast the 5.73 MB the kernel reads.
    var short = BatchShape()
    for _ in 0..<400 { short.addDecode(context: 10) }
    let kvBytes: Double = 4000 * 2 * 2 * 128 * 2
    let queryBytes: Double = 400 * 2 * 8 * 128 * 2
    let bytes = kvBytes + queryBytes
    let fixed = cost.attentionDecode(short, mode: .eager).seconds - bytes / 1e12
    #expect(close(tiled.attentionDecode(short, mode: .eager).seconds, 80e-6 + fixed))
    // 4 sequences over 100,000 tokens: the cache streams at half the bandwidth.
    var long = BatchShape()
    for _ in 0..<4 { long.addDecode(context: 100_000) }
    let longKV: Double = 400_000 * 2 * 2 * 128 * 2
    let longQueries: Double = 4 * 2 * 8 * 128 * 2
    let longBytes = longKV + longQueries
    let untiled = cost.attentionDecode(long, mode: .eager).seconds
    #expect(close(tiled.attentionDecode(long, mode: .eager).seconds - untiled, longBytes / 1e12))
  }

  @Test func allReduceAlgorithms() {
    let link = Fixtures.link  // 100 GB/s, 5 us
    // Ring, 4 ranks, 1 MB: 2·3·5 us + 2·3/4 · 1e6 / 1e11 s
    let ring = Collectives.allReduce(bytes: 1e6, ranks: 4, link: link, algorithms: .ringOnly)
    #expect(close(ring, 30e-6 + 15e-6))
    // Custom in-node: two-shot (3 barriers) 3·5 us + 15 us beats one-shot
    // (2 barriers) 2·5 us + 30 us.
    let custom = Collectives.allReduce(bytes: 1e6, ranks: 4, link: link, algorithms: .customInNode)
    #expect(close(custom, 30e-6))
    // 1 KB: one-shot 2·5 us + 3·1e3/1e11 s.
    let small = Collectives.allReduce(bytes: 1e3, ranks: 4, link: link, algorithms: .customInNode)
    #expect(close(small, 10e-6 + 3e-8))
    // Above 8 MiB only the ring is used.
    let big = Collectives.allReduce(bytes: 1e8, ranks: 4, link: link, algorithms: .customInNode)
    #expect(close(big, 30e-6 + 1.5e-3))
    #expect(Collectives.allReduce(bytes: 1e6, ranks: 1, link: link, algorithms: .ringOnly) == 0)
  }

  @Test func tensorParallelShardsMatricesAndAddsTwoAllReduces() {
    let tp2 = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(2, .ringOnly))
    let one = cost.denseLayer(tokens: 64, mode: .graph)
    let two = tp2.denseLayer(tokens: 64, mode: .graph)
    // Per-rank GEMM FLOPs halve (norms are replicated, so not exactly half in all).
    #expect(two.flops < 0.55 * one.flops)
    let allReduce = Collectives.allReduce(
      bytes: 64 * 1024 * 2, ranks: 2, link: Fixtures.link, algorithms: .ringOnly)
    #expect(tp2.allReduce(tokens: 64) == allReduce)
  }

  @Test func weightOnlyQuantisationReadsFewerBytesButComputesIn16Bit() {
    let int4 = CostModel(
      model: Fixtures.model, device: Fixtures.device,
      precision: Precision(weights: .int4, activations: .bf16, kvCache: .bf16),
      tensorGroup: Fixtures.group(1, .ringOnly))
    #expect(int4.matmulDType == .bf16)
    let e = int4.gemm(m: 1, n: 1024, k: 1024, mode: .graph)
    let expectedBytes: Double = 1024 * 1024 * 0.5 + 2048 * 2
    #expect(e.bytes == expectedBytes)
    let fp8 = CostModel(
      model: Fixtures.model, device: Fixtures.device,
      precision: Precision(weights: .fp8, activations: .fp8, kvCache: .fp8),
      tensorGroup: Fixtures.group(1, .ringOnly))
    #expect(fp8.matmulDType == .fp8)
    #expect(fp8.matmulFlopsPerSecond == 200e12)
  }

  @Test func fp8FallsBackWhereTheDeviceHasNone() {
    var a100 = Fixtures.device
    a100.peakTFLOPS[.fp8] = nil
    let math = a100.matmulMath(weights: .fp8, activations: .fp8)
    #expect(math.dtype == .bf16)
    var plan = Fixtures.plan()
    plan.cluster.device = a100
    plan.precision = Precision(weights: .fp8, activations: .fp8, kvCache: .fp8)
    #expect(plan.warnings().count == 1)
  }

  @Test func graphsCoverMixedBatchesOnlyUnderVLLM() {
    var mixed = BatchShape()
    mixed.addPrefill(chunk: 40, context: 40, samples: true)
    mixed.addDecode(context: 700)
    var decode = BatchShape()
    decode.addDecode(context: 700)
    let vllm = IterationPricer(cost: cost, profile: EngineProfile.of(.vllm), maxTokens: 1024)
    let sglang = IterationPricer(cost: cost, profile: EngineProfile.of(.sglang), maxTokens: 1024)
    #expect(vllm.usesGraph(mixed) && vllm.usesGraph(decode))
    #expect(!sglang.usesGraph(mixed) && sglang.usesGraph(decode))
    // V1 captures [1, 2, 4] and multiples of 8 up to 512.
    #expect(IterationPricer.graphPadded(257) == 264 && IterationPricer.graphPadded(505) == 512)
  }

  @Test func memoisedPricingEqualsDirectPricing() {
    let v011 = EngineProfile.of(.vllm, version: EngineVersion(0, 11))
    var pricer = IterationPricer(cost: cost, profile: v011, maxTokens: 1024)
    var shape = BatchShape()
    shape.addPrefill(chunk: 300, context: 300, samples: true)
    shape.addDecode(context: 700)
    let first = pricer.price(shape)
    let second = pricer.price(shape)
    #expect(first == second)
    // 301 tokens > 256-token graph limit? vLLM graphs go to 512: graph, padded to 304.
    #expect(first.graph)
    #expect(IterationPricer.graphPadded(301) == 304)
    #expect(IterationPricer.graphPadded(3) == 4)
    #expect(IterationPricer.graphPadded(9) == 16)
    let layer = cost.denseLayer(tokens: 304, mode: .graph)
    let embed = cost.embedding(tokens: 304, mode: .graph)
    let attention =
      cost.attentionPrefill(shape, mode: .graph).seconds
      + cost.attentionDecode(shape, mode: .graph).seconds
    let sampling = cost.sampling(sampled: 2, mode: .graph).seconds
    let cpu = (500.0 + 4 * 2) * 1e-6
    let expected = 2 * layer.seconds + embed.seconds + 2 * attention + sampling + cpu
    #expect(close(first.seconds(layers: 2), expected))
    // Two stages of one layer each: the head on the first, the tail on the last.
    let stage0 = first.stageSeconds(stage: 0, of: 2, layers: 1)
    let stage1 = first.stageSeconds(stage: 1, of: 2, layers: 1)
    #expect(close(stage0 + stage1, expected))
    #expect(close(stage0 - stage1, embed.seconds + cpu - sampling))
    // vLLM 0.14 schedules the next step during this one: its CPU time shows
    // only where it outlasts the device's.
    var async = IterationPricer(cost: cost, profile: EngineProfile.of(.vllm), maxTokens: 1024)
    let device = expected - cpu
    #expect(close(async.price(shape).seconds(layers: 2), device + max(0, cpu - device)))
  }

  @Test func memoryPlanFiguresByHand() {
    let plan = Fixtures.plan()
    let m = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: plan.parallelism,
      precision: plan.precision, scheduler: plan.scheduler)
    // Layers: (1024·1536 + 1024·1024 + 3·1024·4096 + 2·1024) · 2 layers · 2 B;
    // embedding and LM head: 2 · 32000 · 1024 · 2 B.
    #expect(m.weightBytes == 60_825_600 + 131_072_000)
    // One block: 16 tokens · 2 (K, V) · 2 KV heads · 128 · 2 layers · 2 B.
    #expect(m.blockBytes == 32_768)
    #expect(m.usableBytes == 18e9)
    #expect(m.blocks == Int((m.usableBytes - m.weightBytes - m.activationBytes) / 32_768))
  }
}
