import ServeSim

/// Small, hand-checkable specs for unit tests.
enum Fixtures {
  /// A device with round numbers: 100 TFLOP/s bf16, 1000 GB/s, perfect
  /// efficiencies, 10 us launch, 1 us in graphs, no runtime overhead.
  static let device = DeviceSpec(
    name: "round", kind: .gpu, peakTFLOPS: [.fp32: 10, .bf16: 100, .fp16: 100, .fp8: 200],
    memoryGB: 20, memoryBandwidthGBps: 1000, idlePowerW: 100, maxPowerW: 500,
    pricePerHourUSD: 2, computeUnits: 100, computeEfficiency: 1, memoryEfficiency: 1,
    attentionEfficiency: 0.5, kernelLaunchUs: 10, graphKernelUs: 1, runtimeOverheadGB: 0)

  static let link = LinkSpec(
    kind: "nvlink", bandwidthGBps: 100, latencyUs: 5, efficiency: 1, topology: "switch")

  static func group(_ ranks: Int, _ algorithms: Collectives.AllReduceAlgorithms) -> CommGroup {
    CommGroup(
      ranks: ranks, ranksPerNode: ranks, intra: link, inter: nil,
      customAllReduce: algorithms == .customInNode)
  }

  static func cluster(devices: Int = 8) -> ClusterSpec {
    ClusterSpec(
      name: "round-node", nodes: 1, devicesPerNode: devices, device: device, intraNode: link,
      interNode: nil)
  }

  /// A small Llama-like model: 2 layers, hidden 1024, 8 heads, 2 KV heads.
  static let model = ModelSpec(
    name: "tiny", layers: 2, hiddenSize: 1024, heads: 8, kvHeads: 2, headDim: 128,
    intermediateSize: 4096, vocabSize: 32000, maxContext: 8192)

  static func workload(
    _ arrival: ArrivalProcess = .offline, requests: Int? = 20, input: LengthDistribution = .fixed(100),
    output: LengthDistribution = .fixed(10)
  ) -> WorkloadSpec {
    WorkloadSpec(
      name: "w", arrival: arrival, requests: requests, durationS: nil, inputTokens: input,
      outputTokens: output)
  }

  static func plan(
    workload: WorkloadSpec = workload(), policy: SchedulingPolicy = .vllm, maxSeqs: Int = 64,
    budget: Int = 512, blockSize: Int = 16, memoryUtilization: Double = 0.9,
    parallelism: Parallelism = Parallelism(), chunked: Bool = true, model: ModelSpec = model,
    engine: EngineKind = .vllm
  ) -> PlanSpec {
    var plan = PlanSpec(
      name: "test", model: model, cluster: cluster(), workload: workload, engine: engine,
      parallelism: parallelism, precision: Precision(),
      scheduler: SchedulerConfig(
        policy: policy, maxNumSeqs: maxSeqs, maxNumBatchedTokens: budget, chunkedPrefill: chunked,
        blockSize: blockSize, memoryUtilization: memoryUtilization),
      router: .roundRobin, slo: ServiceLevel(ttftMs: 1000, tpotMs: 50, percentile: 90), seed: 7)
    // Requests sent together reach the engine together: the scheduling
    // tests set their arrivals themselves (`EngineOverheadTests` times the
    // API server's tokenisation).
    plan.tokenizeUsPerToken = 0
    return plan
  }

  /// Runs a plan with invariant checks on.
  static func run(_ plan: PlanSpec) throws -> SimulationResult {
    var simulator = try Simulator(plan: plan, checkInvariants: true)
    return try simulator.run()
  }
}
