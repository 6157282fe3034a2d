/// The absorbed MLA path of a prefill batch (`MLAPrefillDispatch`).
extension CostModel {
  /// A prefill batch's attention run as absorbed MLA: every head's query,
  /// projected into the latent (the absorbed W_UK that `mlaBlock` prices for
  /// every token), attends over the cached latent and rotary key, keys
  /// kv_lora_rank + rope wide and values kv_lora_rank wide, and the output
  /// stays in the latent until W_UV (also in `mlaBlock`); no key or value is
  /// expanded (no kv_b projection). SGLang 0.5.5's fa3 backend
  /// (`FlashAttentionBackend.forward_extend`, the absorbed branch:
  /// `flash_attn_with_kvcache` with `qv`).
  func mlaAbsorbedPrefill(_ shape: BatchShape, _ mla: MLASpec, mode: LaunchMode) -> OperatorEstimate {
    let heads = headsPerRank
    let latent = Double(mla.kvLoraRank)
    let key = latent + Double(mla.qkRopeHeadDim)
    let flops = 2 * heads * shape.prefillAttentionPairs * (key + latent)
    let bytes =
      shape.prefillContextTokens * Double(mla.cacheElementsPerToken) * kvBytes
      + Double(shape.prefillTokens) * heads * (key + latent) * activationBytes
    let time = max(flops / attentionFlopsPerSecond, bytes / bytesPerSecond)
    return issued(
      OperatorEstimate(
        seconds: time + attentionFixedSeconds(kernels: 1, mode: mode), flops: flops, bytes: bytes),
      mode: mode)
  }
}
