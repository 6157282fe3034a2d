/// Why a request was not served.
public enum DropReason: UInt8, Sendable, CaseIterable {
  case none
  /// Prompt plus output exceed the model's `max_context`.
  case contextTooLong
  /// Prompt plus output need more KV-cache blocks than the replica has.
  case exceedsKVCache
  /// The prompt does not fit a llama.cpp server slot's context
  /// (`LlamaCppOptions.admittedOutput`).
  case exceedsSlotContext

  public var label: String {
    switch self {
    case .none: ""
    case .contextTooLong: "context_too_long"
    case .exceedsKVCache: "exceeds_kv_cache"
    case .exceedsSlotContext: "exceeds_slot_context"
    }
  }
}
