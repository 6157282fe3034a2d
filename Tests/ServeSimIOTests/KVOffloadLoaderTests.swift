import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// `scheduler.kv_offload` and the cluster's host link in input files, the
/// shipped plan, and the export of the host KV tier.
@Suite struct KVOffloadLoaderTests {
  static let plan = TempPlan.plan.replacingOccurrences(
    of: "scheduler: {max_num_batched_tokens: 512}",
    with: "scheduler: {max_num_batched_tokens: 512, prefix_caching: true, kv_offload: {capacity_gb: 8}}")

  @Test func loadsTheTierWithTheClusterDefaults() throws {
    let cluster =
      TempPlan.cluster + """

        host_memory_gb: 1024
        host_link: {kind: pcie, bandwidth_gbps: 64, latency_us: 5, efficiency: 0.5}
        """
    let files = try TempPlan(cluster: cluster, plan: Self.plan)
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    #expect(plan.cluster.hostMemoryGB == 1024)
    #expect(plan.scheduler.kvOffload == KVOffload(capacityGB: 8, bandwidthGBps: 32, latencyUs: 5))
    let bare = try TempPlan(plan: Self.plan.replacingOccurrences(of: "{capacity_gb: 8}", with: "{}"))
    defer { bare.remove() }
    let defaults = try PlanLoader.load(path: bare.planPath)
    #expect(defaults.cluster.hostLink == .defaultHost)
    #expect(defaults.scheduler.kvOffload?.capacityGB == KVOffload.fallbackCapacityGB)
  }

  @Test func badValuesNameFileLineAndKey() throws {
    let tests = PlanLoaderTests()
    var e = try tests.error(
      plan: Self.plan.replacingOccurrences(of: "capacity_gb: 8", with: "capacity_gb: -8"))
    #expect(e.keyPath == "scheduler.kv_offload.capacity_gb" && e.line == 6)
    #expect(e.message.contains("greater than 0"))
    e = try tests.error(plan: Self.plan.replacingOccurrences(of: "capacity_gb: 8", with: "bandwidth: 8"))
    #expect(e.keyPath == "scheduler.kv_offload.bandwidth" && e.message.contains("bandwidth_gbps"))
    e = try tests.error(
      plan: Self.plan.replacingOccurrences(of: "prefix_caching: true", with: "prefix_caching: false"))
    #expect(e.keyPath == "scheduler.kv_offload" && e.message.contains("prefix_caching: true"))
    e = try tests.error(
      cluster: TempPlan.cluster + "\nhost_link: {kind: pcie, bandwidth_gbps: 0, latency_us: 5}")
    #expect(e.keyPath == "host_link.bandwidth_gbps" && e.file.hasSuffix("cluster.yaml"))
  }

  /// The "done when": the shipped plan hits its prefixes more often
  /// with the host tier than without it.
  @Test func theShippedPlanHitsMoreWithTheHostTier() throws {
    var plan = try PlanLoader.load(path: ExportTests.root + "/plans/llama-3.1-8b-h100-kv-offload.yaml")
    plan.workload.requests = 300
    #expect(plan.scheduler.kvOffload?.bandwidthGBps == 64 * 0.8)
    var without = plan
    without.scheduler.kvOffload = nil
    var a = try Simulator(plan: plan, checkInvariants: true)
    var b = try Simulator(plan: without, checkInvariants: true)
    let with = Summary(try a.run())
    let plain = Summary(try b.run())
    let hit = try #require(with.prefixHitRate)
    let base = try #require(plain.prefixHitRate)
    #expect(hit > base + 0.05, "with \(hit), without \(base)")
    #expect((with.prefixHitRateHost ?? 0) > 0)
  }

  @Test func exportNamesTheEnginesOffloadFlags() throws {
    var plan = try ExportTests.plan("llama-3.1-8b-h100-kv-offload.yaml")
    let blocks = Int(64e9 / MemoryPlan(plan: plan).blockBytes)
    let vllm = LaunchCommand.script(plan, engine: .vllm)
    #expect(vllm.contains("\"kv_connector\":\"OffloadingConnector\""))
    #expect(vllm.contains("\"num_cpu_blocks\":\(blocks)}"))
    // vLLM 0.14 sizes the buffer in GiB over the replica's ranks (one here):
    // 64 GB = 59.605 GiB.
    plan.engineVersion = EngineVersion(0, 14)
    let v014 = LaunchCommand.script(plan, engine: .vllm)
    #expect(v014.contains("--kv-offloading-size 59.605 --kv-offloading-backend native"))
    #expect(!v014.contains("num_cpu_blocks"))
    plan.engineVersion = EngineVersion(0, 11)
    plan.engine = .sglang
    plan.engineVersion = EngineVersion(0, 5)
    let sglang = LaunchCommand.script(plan, engine: .sglang)
    #expect(sglang.contains("--enable-hierarchical-cache --hicache-size 64"))
    plan.engine = .vllm
    plan.engineVersion = EngineVersion(0, 8)
    let old = LaunchCommand.script(plan, engine: .vllm)
    #expect(!old.contains("--kv-transfer-config") && old.contains("no KV offloading connector"))
  }
}
