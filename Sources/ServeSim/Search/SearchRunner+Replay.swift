/// Reuse of saved outcomes: a resumed search takes back every outcome it
/// saved; a merge of shards (`replayOnlyMatching`) replays one run over the
/// shards' outcomes and takes back only those the run would compute itself.
extension SearchRunner {
  /// The saved outcome to use for a plan this run would simulate from first
  /// rate `guess` and cut short at a failure at or below `cut` requests per
  /// second (`cutRate`), or nil to simulate it. A merge refuses an outcome
  /// that was pruned or copied from a sibling in its shard (probes 0), whose
  /// capacity search started from another rate (its bisection could end
  /// elsewhere within the tolerance), or whose capacity lies below `cut`: its
  /// shard, with a weaker best, may have searched in full a plan this run
  /// cuts short (every failing probe of a search lies above the capacity it
  /// finds, so a capacity of at least `cut` proves no cut).
  func replayed(_ saved: SearchOutcome?, guess: Double?, cut: Double = 0) -> SearchOutcome? {
    guard let saved else { return nil }
    guard replayOnlyMatching else { return saved }
    guard saved.status == .evaluated, saved.probes > 0, saved.guess == guess, saved.capacity >= cut
    else { return nil }
    return saved
  }
}
