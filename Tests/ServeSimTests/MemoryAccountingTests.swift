import Testing

@testable import ServeSim

/// Device memory as each engine budgets it.
struct MemoryAccountingTests {
  /// A 20 GB device whose driver reports 20,480 MiB, a 2 GB runtime, and a
  /// model of about 2.3 GB of bf16 weights.
  static func plan(_ engine: EngineKind, utilization: Double = 0.8) -> PlanSpec {
    var plan = Fixtures.plan(memoryUtilization: utilization, engine: engine)
    plan.cluster.device.driverMemoryMiB = 20_480
    plan.cluster.device.runtimeOverheadGB = 2
    plan.model = ModelSpec(
      name: "m", layers: 16, hiddenSize: 2048, heads: 16, kvHeads: 4, headDim: 128,
      intermediateSize: 8192, vocabSize: 32000, maxContext: 8192)
    return plan
  }

  @Test func fractionsApplyToTheMemoryTheDriverReports() {
    let m = MemoryPlan(plan: Self.plan(.vllm))
    #expect(m.deviceBytes == 20_480 * 1_048_576)
    var marketed = Self.plan(.vllm)
    marketed.cluster.device.driverMemoryMiB = nil
    #expect(MemoryPlan(plan: marketed).deviceBytes == 20e9)
  }

  @Test func vllmSubtractsTheProfiledPeakFromItsShare() {
    let m = MemoryPlan(plan: Self.plan(.vllm))
    #expect(m.accounting == .profiled)
    let expected = m.deviceBytes * 0.8 - m.weightBytes - m.activationBytes - m.runtimeBytes
    #expect(abs(m.kvBytes - expected) < 1)
  }

  @Test func sglangStaticFractionCoversWeightsAndKVOnly() {
    let m = MemoryPlan(plan: Self.plan(.sglang))
    #expect(m.accounting == .staticFraction)
    // Activations and the runtime live in the reserved remainder.
    #expect(abs(m.kvBytes - (m.deviceBytes * 0.8 - m.weightBytes)) < 1)
    let vllm = MemoryPlan(plan: Self.plan(.vllm))
    #expect(m.kvBytes > vllm.kvBytes + vllm.activationBytes)
  }

  @Test func trtllmTakesAFractionOfWhatIsFreeAfterLoading() {
    let m = MemoryPlan(plan: Self.plan(.trtllm, utilization: 0.9))
    #expect(m.accounting == .freeFraction)
    let free = m.deviceBytes - m.weightBytes - m.activationBytes - m.runtimeBytes
    #expect(abs(m.kvBytes - 0.9 * free) < 1)
  }
}
