/// Reuse of saved outcomes: a resumed search takes back every outcome it
/// saved; a merge of shards (`replayOnlyMatching`) replays one run over the
/// shards' outcomes and takes back only those the run would compute itself.
extension SearchRunner {
  /// The saved outcome to use for a plan this run would simulate from first
  /// rate `guess`, or nil to simulate it. A merge refuses an outcome that was
  /// pruned or copied from a sibling in its shard (probes 0), or whose
  /// capacity search started from another rate (its bisection could end
  /// elsewhere within the tolerance).
  func replayed(_ saved: SearchOutcome?, guess: Double?) -> SearchOutcome? {
    guard let saved else { return nil }
    guard replayOnlyMatching else { return saved }
    guard saved.status == .evaluated, saved.probes > 0, saved.guess == guess else { return nil }
    return saved
  }
}
