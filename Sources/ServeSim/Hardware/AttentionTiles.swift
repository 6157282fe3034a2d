/// Prefill attention as the tiles FlashAttention-3 runs on a Hopper GPU
/// (Shah et al., arXiv 2407.08608; flash-attention `hopper/tile_size.h`,
/// `tile_size_fwd_sm90`: 128 × 128 tiles for a causal head width of 128),
/// which vLLM's and SGLang's fa3 backends call for grouped-query attention.
///
/// Each (sequence, head, block of 128 queries) is one work tile on one SM.
/// A tile loops over the 128-key blocks its queries see under the causal
/// mask (the diagonal block is computed whole and masked), each block costing
/// 4 × 128 × 128 × d FLOPs at `share` of the SM's 16-bit peak, and pays
/// `tileUs` once (loading the queries, the softmax's final rescale, writing
/// the output). The kernel takes the tiles' total over the SMs, or its
/// longest tile when there are fewer tiles than SMs
/// (`CostModel.attentionPrefill`).
///
/// Fitted on the calibration part of NVIDIA AIConfigurator's measured H100
/// context attention under vLLM 0.24.0 and SGLang 0.5.14
/// (`validation/aiconfigurator_attention.csv`, suite
/// `aiconfigurator-attention`): `share` 0.60 to 0.75 and `tileUs` 2 to 10
/// tried, with the device's fixed attention cost; 0.68 and 5 µs best (median
/// |error| 5.6%; held out 6.3%, H200 rows included).
///
/// Decode attention (one query a sequence) runs a tile per (sequence, KV
/// head) with the query heads of that KV head packed in it
/// (flash-attention `hopper/flash_api.cpp`, `pack_gqa` for decode): each
/// pays `decodeTileUs` on its SM, and the cache streams at `decodeBandwidth`
/// of the peak. Fitted on the calibration part of the same table's H100
/// generation rows under vLLM and SGLang (`aiconfigurator-attention-decode`):
/// 0.80 to 0.96 and 0 to 6 µs tried, 0.88 and 3.5 µs best (median |error|
/// 13.3% to 8.2%; held out 12.6% to 7.2% on the H100, 11.5% to 8.3% on the
/// H200).
public struct AttentionTiles: Sendable, Equatable {
  /// Queries and keys per tile side.
  public static let size = 128
  /// Achieved fraction of the device's 16-bit dense peak inside a tile's
  /// loop over key blocks (0...1].
  public var share: Double
  /// Fixed cost of one work tile on its SM, in microseconds.
  public var tileUs: Double
  /// Decode: the fraction of the device's peak memory bandwidth the kernel
  /// streams the KV cache at; nil: the device's `efficiency.memory`.
  public var decodeBandwidth: Double?
  /// Decode: fixed cost of one (sequence, KV head) work tile on its SM (the
  /// query heads of a KV head packed in one tile, FlashAttention-3's
  /// `pack_gqa`), in microseconds; the kernel takes at least those tiles
  /// spread over the SMs. 0: no floor.
  public var decodeTileUs: Double

  public init(share: Double, tileUs: Double, decodeBandwidth: Double? = nil, decodeTileUs: Double = 0) {
    self.share = share
    self.tileUs = tileUs
    self.decodeBandwidth = decodeBandwidth
    self.decodeTileUs = decodeTileUs
  }
}
