extension IterationPricer {
  /// The token-proportional work of `tokens` tokens run as llama.cpp runs a
  /// batch: micro-batches of at most `ubatch` tokens, one forward pass each
  /// (src/llama-context.cpp `llama_context::decode`: the batch is split by
  /// `llama_batch_allocr::split_*` into ubatches of `n_ubatch` tokens and
  /// `process_ubatch` computes the graph once per ubatch, llama.cpp
  /// 0c1e57098). Each pass streams the weights again, so a 2048-token prompt
  /// chunk under the default `--ubatch-size 512` reads them four times.
  /// Attention is priced on the whole batch (its work is the same).
  mutating func microBatched(tokens: Int, ubatch: Int, graph: Bool) -> (
    layer: Double, moe: Double, embed: Double, flops: Double, sources: SourceSeconds
  ) {
    let full = tokens / ubatch
    let rest = tokens - full * ubatch
    let whole = dense(tokens: ubatch, graph: graph)
    let n = Double(full)
    var out = (
      layer: whole.layer * n, moe: whole.moe * n, embed: whole.embed * n, flops: whole.flops * n,
      sources: whole.sources * n
    )
    if rest > 0 {
      let last = dense(tokens: rest, graph: graph)
      out.layer += last.layer
      out.moe += last.moe
      out.embed += last.embed
      out.flops += last.flops
      out.sources = out.sources + last.sources
    }
    return out
  }
}
