import Testing

@testable import ServeSim
@testable import ServeSimIO

/// `parallelism.attention_balance`: TensorRT-LLM's context balancing over
/// attention ranks, read from a plan.
@Suite struct AttentionBalanceLoaderTests {
  static let moeModel =
    TempPlan.model + """

      moe: {experts: 8, experts_per_token: 2, expert_intermediate_size: 2048}
      """

  func plan(_ parallelism: String) throws -> TempPlan {
    try TempPlan(
      model: Self.moeModel,
      plan: TempPlan.plan.replacingOccurrences(
        of: "parallelism: {tensor: 2}", with: "parallelism: \(parallelism)"))
  }

  @Test func theBalanceIsReadWithTensorRTLLMDefaults() throws {
    let files = try plan(
      "{tensor: 2, expert: 2, attention_data: 2, attention_balance: {timeout_iters: 60, batching_wait_iters: 0}}"
    )
    defer { files.remove() }
    let p = try PlanLoader.load(path: files.planPath)
    #expect(p.attentionDPBalance == AttentionDPBalance(timeoutIterations: 60, batchingWaitIterations: 0))
    let defaults = try plan("{tensor: 2, expert: 2, attention_data: 2, attention_balance: {}}")
    defer { defaults.remove() }
    #expect(
      try PlanLoader.load(path: defaults.planPath).attentionDPBalance
        == AttentionDPBalance(timeoutIterations: 50, batchingWaitIterations: 10))
    let none = try plan("{tensor: 2, expert: 2, attention_data: 2}")
    defer { none.remove() }
    #expect(try PlanLoader.load(path: none.planPath).attentionDPBalance == nil)
  }

  @Test func aBalanceWithoutAttentionRanksOrWithABadKeyIsAnError() throws {
    let lone = try plan("{tensor: 2, attention_balance: {timeout_iters: 60}}")
    defer { lone.remove() }
    let error = #expect(throws: ConfigError.self) { try PlanLoader.load(path: lone.planPath) }
    #expect(error?.keyPath == "parallelism.attention_balance")
    let typo = try plan("{tensor: 2, expert: 2, attention_data: 2, attention_balance: {timeout: 60}}")
    defer { typo.remove() }
    let key = #expect(throws: ConfigError.self) { try PlanLoader.load(path: typo.planPath) }
    #expect(key?.message.contains("batching_wait_iters") == true)
    let zero = try plan("{tensor: 2, expert: 2, attention_data: 2, attention_balance: {timeout_iters: 0}}")
    defer { zero.remove() }
    #expect(throws: ConfigError.self) { try PlanLoader.load(path: zero.planPath) }
  }
}

extension AttentionBalanceLoaderTests {
  @Test func tensorRTLLMExportsTheBalance() throws {
    var plan = try ExportTests.plan("deepseek-v3-fp8-hgx-h200-dep8.yaml")
    #expect(!LaunchCommand.script(plan, engine: .trtllm).contains("attention_dp_config"))
    plan.attentionDPBalance = AttentionDPBalance(timeoutIterations: 60, batchingWaitIterations: 0)
    let script = LaunchCommand.script(plan, engine: .trtllm)
    #expect(
      script.contains(
        "enable_attention_dp: true\nattention_dp_config:\n  enable_balance: true\n  timeout_iters: 60\n  batching_wait_iters: 0\n"
      ))
  }
}
