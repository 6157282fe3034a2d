/// A cold server's start-up work (`WorkloadSpec.coldStart`): kernels compiled
/// or tuned on first use, paid by the batch that first needs them.
extension Simulator {
  /// The start-up work, in seconds, that scheduler `r`'s next batch waits
  /// for: a fused-MoE variant not compiled before (`FusedMoECompiles`;
  /// nothing for a batch replayed from a CUDA graph, compiled at capture),
  /// else the engine's start-up work on its first batch (none for a dense
  /// model on an engine that compiles fused-MoE variants:
  /// `EngineProfile.of(plan:)`); and on sm100, the first prefill that
  /// attends a chunked prefix (below).
  ///
  /// SGLang 0.5.5's trtllm_mla backend runs a prefill chunk that continues a
  /// prompt's cached prefix as `AttnForwardMethod.MHA_CHUNKED_KV`
  /// (`handle_attention_trtllm_mla`, srt/models/deepseek_v2.py): FlashInfer's
  /// `trtllm_ragged_attention_deepseek` over the prefix, non-causal and
  /// returning its log-sum-exp, merged with the chunk's own causal pass by
  /// `merge_state_v2` (`TRTLLMMLABackend.forward_extend`). Neither the CUDA
  /// graphs (decodes) nor the server's warm-up request (a short prompt in
  /// one chunk) run that variant, so a cold server loads it when the first
  /// prompt is split across chunks, with its scheduler stopped: the whole
  /// first wave waits (`EngineProfile.sglangBlackwellPrefixLoadMs`).
  mutating func coldStartSeconds(scheduler r: Int, shape: BatchShape, graph: Bool) -> Double {
    var wait = 0.0
    if !prefixAttentionLoaded.isEmpty && !prefixAttentionLoaded[r] && needsPrefixAttention(shape) {
      prefixAttentionLoaded[r] = true
      wait = EngineProfile.sglangBlackwellPrefixLoadMs * 1e-3
    }
    if !moeCompiles.isEmpty {
      let compiles = !graph && moeCompiles[r].compilesNew(tokens: shape.tokens)
      return wait + (compiles ? profile.coldStartMs * 1e-3 : 0)
    }
    return wait + (schedulers[r].tally.scheduledTokens == 0 ? profile.coldStartMs * 1e-3 : 0)
  }

  /// Whether the load falls on this batch. The overlap loop launches the
  /// continuing batch before it processes the one that cut the prompt
  /// (`event_loop_overlap`), so that batch's first tokens wait too: the load
  /// is priced on the batch that leaves a prompt unfinished. Without
  /// overlap, on the batch that continues it.
  func needsPrefixAttention(_ shape: BatchShape) -> Bool {
    if profile.overlapsScheduling {
      // Prefill chunks that sample no token end no prompt.
      return shape.prefillSequences > shape.endingPrompts
    }
    return shape.prefillContextTokens > Double(shape.prefillTokens)
  }
}
