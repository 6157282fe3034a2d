/// A cold server's start-up work (`WorkloadSpec.coldStart`): kernels compiled
/// or tuned on first use, paid by the batch that first needs them.
extension Simulator {
  /// The start-up work, in seconds, that scheduler `r`'s next batch of
  /// `tokens` tokens waits for: a fused-MoE variant not compiled before
  /// (`FusedMoECompiles`; nothing for a batch replayed from a CUDA graph,
  /// compiled at capture), else the engine's start-up work on its first batch
  /// (none for a dense model on an engine that compiles fused-MoE variants:
  /// `EngineProfile.of(plan:)`).
  mutating func coldStartSeconds(scheduler r: Int, tokens: Int, graph: Bool) -> Double {
    if !moeCompiles.isEmpty {
      return !graph && moeCompiles[r].compilesNew(tokens: tokens) ? profile.coldStartMs * 1e-3 : 0
    }
    return schedulers[r].tally.scheduledTokens == 0 ? profile.coldStartMs * 1e-3 : 0
  }
}
