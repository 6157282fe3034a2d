/// Where a speculative decoding step gets its draft tokens.
public enum SpeculativeMethod: String, Sendable, CaseIterable, Codable {
  /// The target's own multi-token-prediction layers (DeepSeek-V3's MTP
  /// module: one decoder layer and the shared LM head, run once per draft
  /// token; SGLang's NEXTN/EAGLE worker, vLLM's `deepseek_mtp`,
  /// TensorRT-LLM's `MTP`).
  case mtp
  /// An EAGLE head: one decoder layer of the target's width over its hidden
  /// states and the target's LM head, run once per draft token.
  case eagle
  /// A separate, smaller draft model of the same vocabulary, run once per
  /// draft token (vLLM's `draft_model`, SGLang's `STANDALONE`).
  case draft
}
