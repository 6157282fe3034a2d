import Testing

@testable import ServeSim

/// The plan rules every input goes through (`PlanSpec.validate()`), and the
/// enumerator's use of them.
@Suite struct PlanRuleTests {
  @Test func int4ActivationsAndSwapPreemptionAreIssues() {
    var plan = Fixtures.plan()
    #expect(plan.validate().isEmpty)
    plan.precision.activations = .int4
    #expect(plan.validate().map(\.keyPath) == ["precision.activations"])
    plan.precision.activations = .bf16
    plan.scheduler.preemption = .swap
    #expect(plan.validate().map(\.keyPath) == ["scheduler.preemption"])
  }

  @Test func schedulerSettingsOverlayTheEngineDefaults() {
    var plan = Fixtures.plan(policy: .static)
    var settings = SchedulerSettings()
    settings.maxNumSeqs = 3
    settings.policy = .static
    plan.applyScheduler(settings)
    #expect(plan.scheduler.maxNumSeqs == 3 && plan.scheduler.blockSize == 16)
    // vLLM caches prefixes by default, but not where caching is not modelled.
    #expect(!plan.scheduler.prefixCaching)
    settings.policy = .vllm
    plan.applyScheduler(settings)
    #expect(plan.scheduler.prefixCaching)
  }

  @Test func theDefaultTransferLinkStaysInANodeWhenThePoolsFit() {
    let cluster = Fixtures.cluster(devices: 8)
    var wide = cluster
    wide.interNode = LinkSpec(kind: "ib", bandwidthGBps: 50, latencyUs: 2, efficiency: 1, topology: "switch")
    let small = Disaggregation.Pool(replicas: 2, tensor: 2, cluster: wide)
    #expect(Disaggregation.defaultTransferLink(prefill: small, decode: small, cluster: wide).kind == "nvlink")
    let big = Disaggregation.Pool(replicas: 4, tensor: 2, cluster: wide)
    #expect(Disaggregation.defaultTransferLink(prefill: big, decode: small, cluster: wide).kind == "ib")
  }

  @Test func theEnumeratorDropsDegreesThePlanRulesReject() {
    var s = SearchSpace(
      name: "rules", model: Fixtures.model, workload: Fixtures.workload(),
      slo: ServiceLevel(ttftMs: 50, tpotMs: 5, percentile: 90), objective: .goodputPerDevice,
      clusters: [SearchCluster(cluster: Fixtures.cluster(devices: 8), maxDevices: 8)])
    s.tensor = [1, 3, 4, 8]
    s.pipeline = [1, 3]
    s.data = [1]
    s.expert = [1, 2]
    s.precisions = [Precision(), Precision(activations: .int4)]
    let plans = PlanEnumerator.plans(s)
    // 8 heads: tensor 3 divides none; a 2-layer model has no 3 stages; the
    // model is dense, so expert 2 breaks a rule too. int4 plans stay, and
    // the rules make them infeasible with the reason.
    #expect(Set(plans.map(\.parallelism.tensor)) == [1, 4, 8])
    #expect(plans.allSatisfy { $0.parallelism.pipeline == 1 && $0.parallelism.expert == 1 })
    #expect(plans.count == 6)
    #expect(plans.filter { !$0.validate().isEmpty }.map(\.precision.activations) == [.int4, .int4, .int4])
  }
}
