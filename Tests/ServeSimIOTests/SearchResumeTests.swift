import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

@Suite(.serialized) struct SearchResumeTests {
  struct Killed: Error {}

  func space() throws -> SearchSpace {
    let files = try TempPlan()
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    var model = plan.model
    model.layers = 4
    var s = SearchSpace(
      name: "resume", model: model, workload: plan.workload,
      slo: ServiceLevel(ttftMs: 50, tpotMs: 5, percentile: 90), objective: .goodputPerDevice,
      clusters: [SearchCluster(cluster: plan.cluster, maxDevices: 4)])
    s.tensor = [1, 2]
    s.maxNumSeqs = [4, 16]
    s.maxNumBatchedTokens = [256, 1024]
    s.requestsPerReplica = 40
    s.tolerance = 0.1
    return s
  }

  @Test func resumeAfterAKillGivesTheSameResults() throws {
    let space = try space()
    let uninterrupted = try SearchRunner(space: space, jobs: 2, waveSize: 4).run()
    let path = NSTemporaryDirectory() + "servesim-search-\(UUID().uuidString).sqlite"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let inputs = SearchInputs(version: "1", overrides: [], files: ["/a.yaml": "1"])
    let store = try SearchStore(path: path, inputs: inputs, resume: false)
    var waves = 0
    #expect(throws: Killed.self) {
      _ = try SearchRunner(space: space, jobs: 2, waveSize: 4).run(save: { outcomes in
        waves += 1
        if waves == 3 { throw Killed() }
        try store.save(outcomes)
      })
    }
    let saved = try store.count()
    #expect(saved > 0 && saved < uninterrupted.outcomes.count)
    let reopened = try SearchStore(path: path, inputs: inputs, resume: true)
    let previous = try reopened.load(plans: PlanEnumerator.plans(space))
    #expect(previous.count == saved)
    let resumed = try SearchRunner(space: space, jobs: 1, waveSize: 4).run(
      previous: previous, save: { try reopened.save($0) })
    #expect(resumed.outcomes.map(\.status) == uninterrupted.outcomes.map(\.status))
    #expect(resumed.outcomes.map(\.capacity) == uninterrupted.outcomes.map(\.capacity))
    #expect(resumed.best == uninterrupted.best)
    #expect(try reopened.count() == uninterrupted.outcomes.count)
    // Other inputs: refused, naming what changed; forced: recomputed.
    var edited = inputs
    edited.files["/a.yaml"] = "2"
    let error = #expect(throws: SearchStoreError.self) {
      _ = try SearchStore(path: path, inputs: edited, resume: true)
    }
    #expect(error?.description.contains("changed since: /a.yaml") == true)
    var upgraded = inputs
    upgraded.version = "2"
    let versionError = #expect(throws: SearchStoreError.self) {
      _ = try SearchStore(path: path, inputs: upgraded, resume: true)
    }
    #expect(versionError?.description.contains("servesim version") == true)
    let forced = try SearchStore(path: path, inputs: edited, resume: true, force: true)
    #expect(forced.discarded == ["/a.yaml"])
    #expect(try forced.count() == 0)
    #expect(try SearchStore(path: path, inputs: edited, resume: true).discarded.isEmpty)
  }

  /// A search file as a user writes one, beside the `TempPlan` files.
  static let search = """
    name: s
    model: model.yaml
    workload: workload.yaml
    slo: {ttft_ms: 50, tpot_ms: 5}
    clusters: [{cluster: cluster.yaml, max_devices: 2}]
    parallelism: {tensor: [1, 2]}
    scheduler: {max_num_seqs: [8], max_num_batched_tokens: [512]}
    capacity: {requests_per_replica: 20, tolerance: 0.2}
    """

  @Test func fingerprintCoversEveryFileTheSearchReads() throws {
    let files = try TempPlan()
    defer { files.remove() }
    try Self.search.write(toFile: files.path("search.yaml"), atomically: true, encoding: .utf8)
    let loaded = try SearchLoader.load(path: files.path("search.yaml"))
    let read = Set(loaded.inputs.files.keys.map { ($0 as NSString).lastPathComponent })
    #expect(read == ["search.yaml", "model.yaml", "workload.yaml", "cluster.yaml", "device.yaml"])
    #expect(loaded.inputs.version == ServeSimVersion.current)
    try (TempPlan.device + "\nprice_per_hour_usd: 2").write(
      toFile: files.path("device.yaml"), atomically: true, encoding: .utf8)
    let edited = try SearchLoader.load(path: files.path("search.yaml"))
    #expect(
      edited.inputs.changes(since: loaded.inputs).map { ($0 as NSString).lastPathComponent } == [
        "device.yaml"
      ])
  }

}
