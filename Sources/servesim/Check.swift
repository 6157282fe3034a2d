import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Validate a plan and check that it fits in memory, without simulating.",
    discussion: """
      Exit status: 0 the plan is valid and fits; 1 it does not fit (the message gives the \
      figures and what would fit); 64 bad input.

      Examples:
        servesim check plans/quickstart.yaml
        servesim check plans/llama-3.1-70b-dgx-h100-tp8.yaml --set parallelism.tensor=2
      """)

  @OptionGroup var arguments: PlanArguments

  func run() throws {
    let plan = try arguments.load()
    for warning in plan.warnings() { Terminal.warn(warning) }
    let simulator: Simulator
    do {
      simulator = try Simulator(plan: plan)
    } catch {
      throw ExitStatus.fail(error)
    }
    let p = plan.parallelism
    var layouts = [p]
    if let d = plan.disaggregation {
      layouts = [d.prefill.parallelism(plan: p), d.decode.parallelism(plan: p)]
      print(
        "plan \(plan.name): valid; \(plan.model.name) disaggregated on \(plan.devices) devices: \(d.poolsDescription(planExpert: p.expert)), engine \(plan.release)"
      )
    } else {
      print(
        "plan \(plan.name): valid; \(plan.model.name) on \(plan.devices) x \(plan.cluster.device.name) (data \(p.data), tensor \(p.tensor), pipeline \(p.pipeline), expert \(p.expert)\(p.attentionData > 1 ? ", attention data \(p.attentionData)" : "")), engine \(plan.release)"
      )
    }
    let pools = simulator.poolMemory.count > 1 ? ["prefill pool", "decode pool"] : ["each device"]
    for ((name, m), p) in zip(zip(pools, simulator.poolMemory), layouts) {
      func gb(_ bytes: Double) -> String { String(format: "%.2f GB", bytes / 1e9) }
      print(
        "\(name): \(gb(m.deviceBytes)) x memory_utilization = \(gb(m.usableBytes)) usable: weights \(gb(m.weightBytes)), activations \(gb(m.activationBytes)), runtime \(gb(m.runtimeBytes)), KV cache \(gb(m.kvBytes))"
      )
      let holder =
        p.attentionData > 1
        ? "attention rank (\(p.attentionTensor) device\(p.attentionTensor > 1 ? "s" : ""))" : "replica"
      print(
        "  KV cache per \(holder): \(m.blocks) blocks of \(plan.scheduler.blockSize) tokens = \(m.kvTokens) tokens"
      )
    }
    print("fits: yes")
  }
}
