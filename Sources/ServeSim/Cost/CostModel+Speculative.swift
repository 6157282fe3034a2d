/// Speculative decoding's prices: the attention a verify pass adds to a
/// decode, and one pass of a draft head.
extension CostModel {
  /// What the drafts' query rows add to one layer's decode attention: the
  /// verify kernel reads each context once for all 1 + k rows (FlashMLA and
  /// FlashInfer take several query rows per sequence), so the drafts add
  /// their FLOPs (`speculativeAttentionPairs`) and their query and output
  /// rows, and the kernel's time is the roofline of the whole.
  ///
  /// - Parameter decode: the layer's decode attention of the same batch.
  func verifyAttention(_ shape: BatchShape, decode: OperatorEstimate) -> OperatorEstimate {
    guard shape.speculativeTokens > 0 else { return .zero }
    let pairs = shape.speculativeAttentionPairs
    let rows = Double(shape.speculativeTokens)
    var flops: Double
    var bytes: Double
    if let mla = model.mla {
      let width = 2 * Double(mla.kvLoraRank) + Double(mla.qkRopeHeadDim)
      flops = 2 * headsPerRank * pairs * width
      bytes = rows * headsPerRank * width * activationBytes
    } else {
      let d = Double(model.headDim)
      flops = 4 * headsPerRank * d * pairs
      bytes = rows * 2 * headsPerRank * d * activationBytes
    }
    let before = max(decode.flops / attentionFlopsPerSecond, decode.bytes / bytesPerSecond)
    let after = max(
      (decode.flops + flops) / attentionFlopsPerSecond, (decode.bytes + bytes) / bytesPerSecond)
    return OperatorEstimate(seconds: max(after - before, 0), flops: flops, bytes: bytes, kernels: 0)
  }

  /// One pass of an MTP or EAGLE head over `tokens` rows (one per
  /// sequence), attention left out: the fusion projection of the token's
  /// embedding and the target's hidden state (DeepSeek-V3's `eh_proj`,
  /// 2h → h), one decoder layer of the target (an MoE layer when the target
  /// has experts, as DeepSeek-V3's MTP module), the embedding and the
  /// shared LM head with the sampler (DeepSeek-V3 technical report,
  /// arXiv 2412.19437, §2.2).
  ///
  /// - Parameter sampled: rows the LM head and sampler run on (default all:
  ///   a decode pass samples every row; a prefill pass only each finished
  ///   prompt's last position).
  func draftHead(tokens m: Double, sampled: Double? = nil, mode: LaunchMode) -> OperatorEstimate {
    guard m > 0 else { return .zero }
    let h = Double(model.hiddenSize)
    var total = gemm(m: m, n: h, k: 2 * h, mode: mode)
    total += denseLayer(tokens: m, mode: mode, moe: model.moe != nil)
    total += embedding(tokens: m, mode: mode)
    total += sampling(sampled: sampled ?? m, mode: mode)
    return total
  }

  /// One forward pass of a whole draft model over `tokens` rows (one per
  /// sequence), attention left out: its layers, embedding and sampling.
  func draftModel(tokens m: Double, sampled: Double? = nil, mode: LaunchMode) -> OperatorEstimate {
    guard m > 0 else { return .zero }
    let moe = model.moeLayerCount(in: 0..<model.costedLayers)
    var total = Self.scaled(denseLayer(tokens: m, mode: mode), Double(model.costedLayers - moe))
    if moe > 0 { total += Self.scaled(denseLayer(tokens: m, mode: mode, moe: true), Double(moe)) }
    total += embedding(tokens: m, mode: mode)
    total += sampling(sampled: sampled ?? m, mode: mode)
    return total
  }

  /// `estimate` repeated `times` times.
  static func scaled(_ estimate: OperatorEstimate, _ times: Double) -> OperatorEstimate {
    OperatorEstimate(
      seconds: estimate.seconds * times, flops: estimate.flops * times, bytes: estimate.bytes * times,
      sources: estimate.sources * times, kernels: estimate.kernels * times)
  }
}
