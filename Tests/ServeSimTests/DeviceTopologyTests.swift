import Testing

@testable import ServeSim

/// FP4 formats, multi-node NVLink domains, Infinity Fabric meshes and the
/// engines' platforms, against hand calculations.
@Suite struct DeviceTopologyTests {
  let nvlink = LinkSpec(
    kind: "nvlink", bandwidthGBps: 900, latencyUs: 2.9, efficiency: 0.84, topology: "switch")
  let ib = LinkSpec(
    kind: "infiniband", bandwidthGBps: 50, latencyUs: 10, efficiency: 0.8, topology: "fat-tree")
  let xgmi = LinkSpec(kind: "xgmi", bandwidthGBps: 64, latencyUs: 2.9, efficiency: 0.71, topology: "mesh")

  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }

  @Test func fp4FormatsCountTheirBlockScales() {
    // NVFP4: 4-bit values + one 8-bit scale per 16; MXFP4: per 32.
    #expect(DType.fp4.bytes == 0.5625)
    #expect(DType.mxfp4.bytes == 0.53125)
    #expect(DType.fp4.isFP4 && DType.mxfp4.isFP4 && !DType.int4.isFP4)
  }

  @Test func fp4WeightsTakeTheirBytesInMemory() {
    var device = Fixtures.device
    device.peakTFLOPS[.fp4] = 400
    let model = Fixtures.model
    let scheduler = Fixtures.plan().scheduler
    func weights(_ d: DType) -> Double {
      MemoryPlan(
        model: model, device: device, parallelism: Parallelism(),
        precision: Precision(weights: d, activations: d, kvCache: .fp8), scheduler: scheduler
      ).weightBytes
    }
    // Layer weights scale by the format; the 16-bit embedding and LM head stay.
    let table = 2 * Double(model.vocabSize) * Double(model.hiddenSize) * 2
    let layers = model.parameters(ofLayers: 0..<model.costedLayers)
    #expect(close(weights(.fp4) - table, layers * 0.5625))
    #expect(close(weights(.fp8) - table, layers * 1))
  }

  @Test func fp4MathRunsAtTheFP4Peak() {
    var device = Fixtures.device
    device.peakTFLOPS[.fp4] = 400
    #expect(device.matmulMath(weights: .fp4, activations: .fp4).flopsPerSecond == 400e12)
    // MXFP4 without MXFP4 tensor cores falls back to 16-bit math.
    #expect(device.matmulMath(weights: .mxfp4, activations: .mxfp4).dtype == .bf16)
  }

  /// 18 trays of 4 GPUs in one NVLink domain of 72 (GB200 NVL72).
  func nvl72(domain: Int = 72) -> ClusterSpec {
    var c = ClusterSpec(
      name: "nvl72", nodes: 18, devicesPerNode: 4, device: Fixtures.device, intraNode: nvlink,
      interNode: ib)
    c.linkDomain = domain
    return c
  }

  @Test func anNVLinkDomainKeepsCollectivesAcrossTraysOnNVLink() {
    let group = CommGroup(ranks: 16, cluster: nvl72(), engine: .vllm)
    #expect(group.nodes == 1)
    // Across 4 trays: NCCL's ring over NVLink (the custom kernel needs one tray).
    let n = 64.0 * 1024 * 1024
    let ring = 2 * 15 * 2.9e-6 + 2 * 15.0 / 16 * n / (900e9 * 0.84)
    #expect(close(group.allReduce(bytes: n), ring))
    let small = 1024.0 * 1024
    #expect(close(group.allReduce(bytes: small), 2 * 15 * 2.9e-6 + 2 * 15.0 / 16 * small / (900e9 * 0.84)))
    // Without the domain the same group crosses the network, far slower.
    let trays = CommGroup(ranks: 16, cluster: nvl72(domain: 4), engine: .vllm)
    #expect(trays.nodes == 4)
    #expect(trays.allReduce(bytes: n) > 2 * group.allReduce(bytes: n))
    // Inside one tray the engine's custom kernel serves small messages.
    let tray = CommGroup(ranks: 4, cluster: nvl72(), engine: .vllm)
    #expect(tray.customAllReduce(bytes: small) != nil)
    #expect(group.customAllReduce(bytes: small) == nil)
  }

  @Test func pipelineStagesInOneNVLinkDomainUseNVLink() {
    var plan = Fixtures.plan(parallelism: Parallelism(tensor: 4, pipeline: 2))
    plan.cluster = nvl72()
    #expect(StageTimeline(plan: plan, pipelines: 1).links == [nvlink])
    plan.cluster = nvl72(domain: 4)
    #expect(StageTimeline(plan: plan, pipelines: 1).links == [ib])
  }

  @Test func anInfinityFabricMeshAllReduceMatchesAHandComputation() {
    let cluster = ClusterSpec(
      name: "mi300x-8", nodes: 1, devicesPerNode: 8, device: Fixtures.device, intraNode: xgmi,
      interNode: nil)
    // 64 MiB (past the custom kernel's 8 MiB): RCCL's ring, each GPU using
    // its 7 links of 64 GB/s x 0.71 at once.
    let n = 64.0 * 1024 * 1024
    let eight = CommGroup(ranks: 8, cluster: cluster, engine: .vllm)
    let ring8 = 2 * 7 * 2.9e-6 + 2 * 7.0 / 8 * n / (7 * 64e9 * 0.71)
    #expect(close(eight.allReduce(bytes: n), ring8))
    // Two GPUs of the mesh share one link: a switch would give them the same
    // per-GPU bandwidth as eight.
    let two = CommGroup(ranks: 2, cluster: cluster, engine: .vllm)
    let ring2 = 2 * 2.9e-6 + n / (64e9 * 0.71)
    #expect(close(two.allReduce(bytes: n), ring2))
    // vLLM's custom all-reduce runs over xGMI: one-shot reads the 7 peers
    // over their own links at once.
    let small = 256.0 * 1024
    let oneShot = 2 * 2.9e-6 + 7 * small / (7 * 64e9 * 0.71)
    let twoShot = 3 * 2.9e-6 + 2 * 7.0 / 8 * small / (7 * 64e9 * 0.71)
    #expect(close(eight.allReduce(bytes: small), min(oneShot, twoShot)))
    // A subgroup of 4 sees 3 links.
    #expect(close(eight.subgroup(ranks: 4).intra.bandwidthGBps, 3 * 64))
  }

  func amdPlan(engine: EngineKind, precision: Precision = Precision()) -> PlanSpec {
    var plan = Fixtures.plan(engine: engine)
    plan.cluster.device.platform = .rocm
    plan.cluster.device.name = "AMD Instinct MI300X"
    plan.precision = precision
    return plan
  }

  @Test func tensorRTLLMIsRejectedOnAMD() {
    let issues = amdPlan(engine: .trtllm).validate()
    #expect(issues.map(\.keyPath) == ["engine"])
    #expect(issues.first?.message.contains("NVIDIA GPUs (CUDA) only") == true)
    #expect(amdPlan(engine: .vllm).validate().isEmpty)
    #expect(amdPlan(engine: .sglang).validate().isEmpty)
  }

  @Test func fp4NeedsFP4TensorCores() {
    // The fixture device has no fp4 peak (as an H100 or MI300X).
    let w4a4 = Precision(weights: .fp4, activations: .fp4, kvCache: .fp8)
    let issues = amdPlan(engine: .sglang, precision: w4a4).validate()
    #expect(issues.map(\.keyPath) == ["precision.activations"])
    var blackwell = Fixtures.plan(engine: .trtllm)
    blackwell.cluster.device.peakTFLOPS[.fp4] = 400
    blackwell.precision = w4a4
    #expect(blackwell.validate().isEmpty)
    // Weight-only NVFP4: vLLM's Marlin kernel on CUDA, nowhere else.
    var marlin = Fixtures.plan(engine: .vllm)
    marlin.precision = Precision(weights: .fp4, activations: .bf16, kvCache: .bf16)
    #expect(marlin.validate().isEmpty)
    marlin.engine = .sglang
    #expect(marlin.validate().map(\.keyPath) == ["precision.weights"])
    // An fp4 KV cache: SGLang's MXFP4 on Blackwell only.
    blackwell.precision.kvCache = .fp4
    #expect(blackwell.validate().map(\.keyPath) == ["precision.kv_cache"])
  }
}
