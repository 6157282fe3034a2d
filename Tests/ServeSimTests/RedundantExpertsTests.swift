import Foundation
import Testing

@testable import ServeSim

/// Redundant copies of experts (`Parallelism.redundantExperts`, EPLB): the
/// degrees they allow, the memory they take and the load they spread.
@Suite struct RedundantExpertsTests {
  static let mixtral = MoETests.mixtral

  /// Mixtral (8 experts) over `tensor` attention ranks of one device each
  /// with expert parallelism `expert` and `redundant` copies, on 80 GB
  /// round devices.
  func plan(tensor: Int = 6, expert: Int = 6, redundant: Int = 0) -> PlanSpec {
    var parallelism = Parallelism(tensor: tensor, expert: expert)
    parallelism.attentionData = tensor
    parallelism.redundantExperts = redundant
    var plan = Fixtures.plan(
      workload: Fixtures.workload(requests: 12), parallelism: parallelism, model: Self.mixtral)
    plan.cluster.device.memoryGB = 80
    return plan
  }

  func issues(_ plan: PlanSpec, _ key: String) -> [String] {
    plan.validate().filter { $0.keyPath == key }.map(\.message)
  }

  @Test func aDegreeThatDoesNotDivideTheExpertsNeedsCopies() {
    // 6 ranks and 8 experts: refused, naming the copies that fill the slots
    // to a multiple of 6 (SGLang asserts that ep_size divides them).
    let refused = issues(plan(), "parallelism.expert")
    #expect(refused.count == 1)
    #expect(refused.first?.contains("must divide the 8 experts") == true)
    #expect(refused.first?.contains("redundant_experts 4, 10") == true)
    #expect(issues(plan(redundant: 4), "parallelism.expert").isEmpty)
    #expect(issues(plan(redundant: 10), "parallelism.expert").isEmpty)
    let short = issues(plan(redundant: 2), "parallelism.expert")
    #expect(short.first?.contains("the 10 expert slots (8 experts and 2 redundant)") == true)
    // The replica's devices still bound the degree.
    #expect(
      issues(plan(tensor: 4, expert: 3, redundant: 1), "parallelism.expert").first?.contains("tensor (4)")
        == true)
  }

  @Test func copiesNeedExpertParallelism() {
    #expect(issues(plan(redundant: 4), "parallelism.redundant_experts").isEmpty)
    var unspread = Fixtures.plan(parallelism: Parallelism(tensor: 2), model: Self.mixtral)
    unspread.parallelism.redundantExperts = 2
    #expect(
      issues(unspread, "parallelism.redundant_experts").first?.contains("need expert parallelism") == true)
    var dense = Fixtures.plan(parallelism: Parallelism(tensor: 2, expert: 1))
    dense.parallelism.redundantExperts = 2
    #expect(issues(dense, "parallelism.redundant_experts").first?.contains("dense") == true)
    // A disaggregated plan's pools hold them.
    var pooled = Fixtures.plan(model: Self.mixtral)
    pooled.disaggregation = Disaggregation(
      prefill: .init(replicas: 1, tensor: 2, cluster: pooled.cluster),
      decode: .init(replicas: 1, tensor: 6, cluster: pooled.cluster, expert: 6, attentionData: 6),
      transferLink: nil, cluster: pooled.cluster)
    pooled.parallelism.redundantExperts = 4
    #expect(issues(pooled, "parallelism.redundant_experts").isEmpty)
    #expect(issues(pooled, "disaggregation.decode.expert").isEmpty)
    pooled.parallelism.redundantExperts = 0
    #expect(!issues(pooled, "disaggregation.decode.expert").isEmpty)
  }

  @Test func eachCopyIsAWholeExpertOnTheReplicasDevices() {
    // Tensor 2, expert 2: every device holds half the experts; 2 copies add
    // one whole expert (3 x 4096 x 14336 bf16 weights) per MoE layer to each.
    let expertBytes = 3.0 * 4096 * 14336 * 2
    func weights(_ p: Parallelism) -> Double {
      MemoryPlan(
        model: Self.mixtral, device: Fixtures.device, parallelism: p, precision: Precision(),
        scheduler: Fixtures.plan().scheduler
      ).weightBytes
    }
    var plain = Parallelism(tensor: 2, expert: 2)
    let before = weights(plain)
    plain.redundantExperts = 2
    #expect(abs(weights(plain) - before - 32 * expertBytes) < 1)
    // Under attention data parallelism (SGLang's placement) the same.
    var ranked = Parallelism(tensor: 2, expert: 2)
    ranked.attentionData = 2
    let rankedBefore = weights(ranked)
    ranked.redundantExperts = 2
    #expect(abs(weights(ranked) - rankedBefore - 32 * expertBytes) < 1)
    // Without expert parallelism the copies are not held.
    var unspread = Parallelism(tensor: 2)
    unspread.redundantExperts = 2
    #expect(weights(unspread) == weights(Parallelism(tensor: 2)))
  }

  @Test func copiesSpreadTheActiveExperts() throws {
    let moe = try #require(Self.mixtral.moe)
    // Without copies, the old count: a rank's share of the experts hit.
    let plain = moe.busiestRank(assignments: 2, ranks: 4, z: 0)
    #expect(abs(plain.activeExperts - moe.expectedActiveExperts(assignments: 2) / 4) < 1e-12)
    #expect(plain.rows == 0.5)
    // 8 experts + 4 copies over 6 ranks: 2 slots a rank, each hit by one of
    // 2 assignments with chance 1 - (11/12)^2; rows as without copies.
    let copied = moe.busiestRank(assignments: 2, ranks: 6, z: 0, redundant: 4)
    #expect(abs(copied.activeExperts - 2 * (1 - pow(11.0 / 12, 2))) < 1e-12)
    #expect(abs(copied.rows - 2.0 / 6) < 1e-12)
    // A cost model prices the busiest rank's slots.
    var c = CostModel(
      model: Self.mixtral, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(6, .ringOnly))
    c.expertParallel = 6
    let without = c.busiestExpertRank(moe, assignments: 2).activeExperts
    c.redundantExperts = 4
    #expect(c.busiestExpertRank(moe, assignments: 2).activeExperts != without)
  }

  @Test func aReplicaWithCopiesServes() throws {
    let result = try Fixtures.run(plan(redundant: 4))
    #expect(result.requests.allSatisfy { $0.status == .finished })
    #expect(throws: SimulationError.self) { try Fixtures.run(self.plan()) }
  }
}
