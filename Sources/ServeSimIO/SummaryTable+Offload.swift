import ServeSim

extension SummaryTable {
  /// The host KV tier's line: prefix hits by tier, what moved each way and
  /// the time loads took; nil without `kv_offload`.
  static func offloadLine(_ s: Summary) -> String? {
    guard let moved = s.offload else { return nil }
    func f(_ v: Double, _ d: Int) -> String {
      var b = CSVBuffer(capacity: 32)
      b.fixed(v, d)
      return String(decoding: b.bytes, as: UTF8.self)
    }
    let device = (s.prefixHitRateDevice ?? 0) * 100
    let host = (s.prefixHitRateHost ?? 0) * 100
    return
      "host KV tier: prefix hits \(f(device, 1))% device + \(f(host, 1))% host; stored \(moved.storedBlocks) blocks (\(f(moved.storedBytes / 1e9, 2)) GB), loaded \(moved.loadedBlocks) blocks (\(f(moved.loadedBytes / 1e9, 2)) GB) in \(f(moved.loadSeconds * 1e3, 1)) ms"
  }
}
