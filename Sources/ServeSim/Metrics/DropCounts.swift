/// Requests dropped, by reason (`DropReason`).
public struct DropCounts: Sendable, Equatable, Codable {
  /// Prompt plus output longer than the model's context.
  public var contextTooLong = 0
  /// Prompt plus output needing more KV-cache blocks than a replica has.
  public var exceedsKVCache = 0
  /// Prompt not shorter than a llama.cpp slot's context (refused by the server).
  public var exceedsSlotContext = 0

  public init() {}

  /// Counts one dropped request.
  public mutating func add(_ reason: DropReason) {
    switch reason {
    case .contextTooLong: contextTooLong += 1
    case .exceedsKVCache: exceedsKVCache += 1
    case .exceedsSlotContext: exceedsSlotContext += 1
    case .none: break
    }
  }
}
