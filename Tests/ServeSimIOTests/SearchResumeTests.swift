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
    let store = try SearchStore(path: path, fingerprint: "f", fresh: true)
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
    let reopened = try SearchStore(path: path, fingerprint: "f", fresh: false)
    let previous = try reopened.load(plans: PlanEnumerator.plans(space))
    #expect(previous.count == saved)
    let resumed = try SearchRunner(space: space, jobs: 1, waveSize: 4).run(
      previous: previous, save: { try reopened.save($0) })
    #expect(resumed.outcomes.map(\.status) == uninterrupted.outcomes.map(\.status))
    #expect(resumed.outcomes.map(\.capacity) == uninterrupted.outcomes.map(\.capacity))
    #expect(resumed.best == uninterrupted.best)
    #expect(try reopened.count() == uninterrupted.outcomes.count)
    // A different search refuses the file.
    #expect(throws: SearchStoreError.self) { _ = try SearchStore(path: path, fingerprint: "g", fresh: false) }
  }
}
