import Foundation

/// Multi-head latent attention (DeepSeek-V2/V3): keys and values are stored as
/// one compressed latent of `kvLoraRank` elements plus a shared rotary key of
/// `qkRopeHeadDim` per token and layer, and expanded per head on use.
public struct MLASpec: Sendable, Equatable {
  /// Rank of the query compression (0: queries projected directly).
  public var qLoraRank: Int
  public var kvLoraRank: Int
  public var qkNopeHeadDim: Int
  public var qkRopeHeadDim: Int
  public var vHeadDim: Int

  public init(qLoraRank: Int, kvLoraRank: Int, qkNopeHeadDim: Int, qkRopeHeadDim: Int, vHeadDim: Int) {
    self.qLoraRank = qLoraRank
    self.kvLoraRank = kvLoraRank
    self.qkNopeHeadDim = qkNopeHeadDim
    self.qkRopeHeadDim = qkRopeHeadDim
    self.vHeadDim = vHeadDim
  }

  /// Elements of KV cache per token and layer: the latent and the rotary key.
  public var cacheElementsPerToken: Int { kvLoraRank + qkRopeHeadDim }

  /// Parameters of the attention block with `heads` heads and model width `hidden`.
  public func parameters(hidden: Int, heads: Int) -> Double {
    let h = Double(hidden)
    let n = Double(heads)
    let qk = Double(qkNopeHeadDim + qkRopeHeadDim)
    let q =
      qLoraRank > 0
      ? h * Double(qLoraRank) + Double(qLoraRank) * n * qk + Double(qLoraRank) : h * n * qk
    let kvA = h * Double(kvLoraRank + qkRopeHeadDim) + Double(kvLoraRank)
    let kvB = Double(kvLoraRank) * n * Double(qkNopeHeadDim + vHeadDim)
    let out = n * Double(vHeadDim) * h
    return q + kvA + kvB + out
  }
}
