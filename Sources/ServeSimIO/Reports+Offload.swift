import ServeSim

extension Reports {
  /// The host KV tier's columns of `summary.csv` (empty without `kv_offload`):
  /// prefix hit rates by tier, blocks and GB moved each way, load seconds.
  static func offloadColumns(_ s: Summary, _ b: inout CSVBuffer) {
    for v in [s.prefixHitRateDevice, s.prefixHitRateHost] {
      b.comma()
      if let v { b.fixed(v, 4) }
    }
    let moved = s.offload
    for v in [moved?.storedBlocks, moved?.loadedBlocks] {
      b.comma()
      if let v { b.int(v) }
    }
    for v in [moved.map { $0.storedBytes / 1e9 }, moved.map { $0.loadedBytes / 1e9 }] {
      b.comma()
      if let v { b.fixed(v, 3) }
    }
    b.comma()
    if let moved { b.fixed(moved.loadSeconds, 6) }
  }
}
