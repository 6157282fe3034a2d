/// Requests replayed from a trace: arrival times (seconds from the start) and
/// token counts, one entry per request, in arrival order.
public struct TraceRecords: Sendable, Equatable {
  public var arrivals: [Double]
  public var inputTokens: [Int32]
  public var outputTokens: [Int32]
  /// The prompt blocks each request shares with others (Mooncake traces), or nil.
  public var blockHashes: BlockHashes?

  public init(
    arrivals: [Double], inputTokens: [Int32], outputTokens: [Int32], blockHashes: BlockHashes? = nil
  ) {
    self.arrivals = arrivals
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    self.blockHashes = blockHashes
  }

  public var count: Int { arrivals.count }
}
