import Testing

@testable import ServeSim

/// The token budget's record of what it turned away, and the optimizer's
/// copy of a plan's outcome to a sibling whose max_num_batched_tokens the
/// runs never needed.
struct BudgetDominanceTests {
  /// Poisson arrivals of prompts of 50-400 tokens under `policy` and a token
  /// budget of `budget`.
  static func plan(budget: Int, policy: SchedulingPolicy = .vllm) -> PlanSpec {
    Fixtures.plan(
      workload: Fixtures.workload(
        .poisson(rate: 40), requests: 120, input: .uniform(min: 50, max: 400),
        output: .uniform(min: 5, max: 40)),
      policy: policy, budget: budget)
  }

  @Test(arguments: [SchedulingPolicy.vllm, .sglang, .trtllm])
  func aBudgetThatTurnsNothingAwayRunsAsAnyLargerOne(policy: SchedulingPolicy) throws {
    let wide = try Fixtures.run(Self.plan(budget: 65536, policy: policy))
    #expect(wide.budgetDenials == 0)
    #expect(wide.peakBudgetUse > 400)
    // Any budget from the peak used up forms the same batches, so the same
    // requests and iterations.
    let snug = try Fixtures.run(Self.plan(budget: wide.peakBudgetUse, policy: policy))
    #expect(snug.budgetDenials == 0)
    #expect(snug.requests == wide.requests)
    #expect(snug.iterations == wide.iterations)
    // One token less and the budget turns tokens away; the runs differ.
    let tight = try Fixtures.run(Self.plan(budget: wide.peakBudgetUse - 1, policy: policy))
    #expect(tight.budgetDenials > 0)
    #expect(tight.peakBudgetUse <= wide.peakBudgetUse - 1)
    #expect(tight.iterations != wide.iterations)
  }

  @Test func leapingRecordsTheBudgetAsSteppingDoes() throws {
    for budget in [64, 300, 65536] {
      var leaping = try Simulator(plan: Self.plan(budget: budget))
      let a = try leaping.run()
      var stepping = try Simulator(plan: Self.plan(budget: budget))
      for r in stepping.schedulers.indices { stepping.schedulers[r].leaps = false }
      let b = try stepping.run()
      #expect(a.budgetDenials == b.budgetDenials)
      #expect(a.peakBudgetUse == b.peakBudgetUse)
    }
  }

  @Test func theOptimizerCopiesASiblingWhoseBudgetWasNeverReached() throws {
    // The search tests' space, with budgets that never bind beside one that does.
    var space = SearchTests().space(seqs: [64], tokens: [128, 8192, 16384])
    space.tensor = [1, 2]
    space.pipeline = [1]
    var runner = SearchRunner(space: space, jobs: 1)
    runner.prune = false
    let result = try runner.run()
    let copies = result.outcomes.filter { $0.reason.contains("never turned tokens away") }
    #expect(!copies.isEmpty)
    for copy in copies {
      // The copy is what simulating the plan gives at the rate it reports.
      let summary = try #require(copy.summary)
      var alone = try runner.capacity.probe(copy.plan, rate: copy.evaluatedRate, pricers: nil).summary
      alone.plan = summary.plan
      // The KV share is of this plan's pool (rescaled from the sibling's).
      #expect(abs(alone.kvUtilMean - summary.kvUtilMean) <= 1e-12 * max(alone.kvUtilMean, 1))
      alone.kvUtilMean = summary.kvUtilMean
      #expect(alone == summary)
    }
    // A budget of 128 tokens cuts the prompts: never copied, never a source.
    #expect(
      !result.outcomes.contains {
        $0.plan.scheduler.maxNumBatchedTokens == 128 && $0.reason.contains("same runs")
      })
    #expect(!copies.contains { $0.reason.contains("b128") })
  }
}
