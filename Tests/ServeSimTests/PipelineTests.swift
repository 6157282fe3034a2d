import Testing

@testable import ServeSim

@Suite struct PipelineTests {
  func pipelinePlan(requests: Int = 40) -> PlanSpec {
    var model = Fixtures.model
    model.layers = 4
    return Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 400), requests: requests, input: .fixed(200), output: .fixed(16)),
      parallelism: Parallelism(pipeline: 2), model: model)
  }

  @Test func everyBatchRunsThroughBothStagesInOrder() throws {
    let result = try Fixtures.run(pipelinePlan())
    #expect(result.requests.allSatisfy { $0.status == .finished })
    let stage0 = result.iterations.filter { $0.stage == 0 }
    let stage1 = result.iterations.filter { $0.stage == 1 }
    #expect(stage0.count == stage1.count)
    // The activations of a batch (tokens · hidden · 2 B) cross the node's link
    // between the stages.
    for (a, b) in zip(stage0, stage1) {
      let tokens = Double(a.prefillTokens + a.decodeTokens)
      let send = CommGroup.sendRecv(bytes: tokens * 1024 * 2, link: Fixtures.link)
      #expect(b.start >= a.start + a.duration + send - 1e-12)
    }
    // Each stage serves one micro-batch at a time.
    for rows in [stage0, stage1] {
      for (x, y) in zip(rows, rows.dropFirst()) { #expect(y.start >= x.start + x.duration - 1e-12) }
    }
  }

  @Test func twoMicroBatchesAreInFlight() throws {
    let result = try Fixtures.run(pipelinePlan())
    let stage0 = result.iterations.filter { $0.stage == 0 }
    let stage1 = result.iterations.filter { $0.stage == 1 }
    // Some stage-0 work overlaps some stage-1 work: the stages run concurrently.
    let overlaps = stage0.contains { a in
      stage1.contains { b in a.start < b.start + b.duration && b.start < a.start + a.duration }
    }
    #expect(overlaps)
  }

  @Test func unevenSplitAndMemory() throws {
    var plan = pipelinePlan()
    let even = try Fixtures.run(plan)
    plan.parallelism.stageLayers = [1, 3]
    let result = try Fixtures.run(plan)
    // The first batch is the same; its last stage now has 3 layers instead of 2.
    let a = even.iterations.first { $0.stage == 1 }
    let b = result.iterations.first { $0.stage == 1 }
    #expect((a?.duration ?? 0) < (b?.duration ?? 0))
    #expect(result.iterations.first { $0.stage == 0 }?.duration ?? 1 < even.iterations[0].duration)
    let flat = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: Parallelism(),
      precision: plan.precision, scheduler: plan.scheduler)
    let split = MemoryPlan(
      model: plan.model, device: plan.cluster.device, parallelism: Parallelism(pipeline: 2),
      precision: plan.precision, scheduler: plan.scheduler)
    // Two stages: each device holds half the layers and one of embedding / LM head.
    #expect(split.weightBytes < 0.6 * flat.weightBytes)
    plan.parallelism.stageLayers = [1, 2]
    #expect(plan.validate().contains { $0.keyPath == "parallelism.stage_layers" })
  }
}
