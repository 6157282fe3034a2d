extension PrefixIndex {
  /// Request `id`'s prompt prefix as units of a host tier, nil when the
  /// request has no prefix identity this index knows.
  ///
  /// - Parameter unitsPerGroup: units set aside for each group's prefix
  ///   (group `g`'s block `k` is unit `g · unitsPerGroup + k`).
  func hostChain(_ id: Int, _ request: RequestRecord, blockSize: Int, unitsPerGroup: Int) -> HostChain? {
    switch self {
    case .none: return nil
    case .groups:
      guard request.prefixGroup >= 0 else { return nil }
      return HostChain(
        ids: [], start: Int(request.prefixGroup) * unitsPerGroup,
        count: min(Int(request.prefixTokens) / blockSize, unitsPerGroup), unitTokens: blockSize)
    case .hashes(_, let hashes):
      let chain = hashes.chain(id)
      return HostChain(
        ids: hashes.ids, start: chain.lowerBound,
        count: min(chain.count, Int(request.inputTokens) / hashes.blockTokens), unitTokens: hashes.blockTokens
      )
    }
  }
}
