/// The shape of one operator, in the columns of the calibration store and of
/// `servesim cost` (a field an operator does not use is 0).
public struct OperatorShape: Sendable, Hashable {
  /// Rows (tokens) of a matrix product.
  public var m: Int = 0
  /// Output features of a matrix product.
  public var n: Int = 0
  /// Input features of a matrix product.
  public var k: Int = 0
  /// Sequences of an attention operator.
  public var batch: Int = 0
  /// Query heads (on this device).
  public var heads: Int = 0
  /// Key/value heads (on this device).
  public var kvHeads: Int = 0
  /// Elements per head.
  public var headDim: Int = 0
  /// New tokens per sequence (prefill).
  public var qTokens: Int = 0
  /// Context per sequence, new tokens included.
  public var kvTokens: Int = 0
  /// Bytes moved (memory-bound kernels) or bytes per rank (collectives).
  public var bytes: Int = 0
  /// Ranks taking part in a collective.
  public var ranks: Int = 0
  /// Experts of a grouped (MoE) matrix product, each `m` rows by its own
  /// `n`×`k` weight; 0 or 1 is a plain product.
  public var groups: Int = 0

  public init(
    m: Int = 0, n: Int = 0, k: Int = 0, batch: Int = 0, heads: Int = 0, kvHeads: Int = 0,
    headDim: Int = 0, qTokens: Int = 0, kvTokens: Int = 0, bytes: Int = 0, ranks: Int = 0,
    groups: Int = 0
  ) {
    self.m = m
    self.n = n
    self.k = k
    self.batch = batch
    self.heads = heads
    self.kvHeads = kvHeads
    self.headDim = headDim
    self.qTokens = qTokens
    self.kvTokens = kvTokens
    self.bytes = bytes
    self.ranks = ranks
    self.groups = groups
  }

  /// The fields an operator needs, by their column names: what `servesim cost`
  /// asks for.
  public static func requiredFields(_ op: CalibrationOp) -> [String] {
    switch op.family {
    case .matmul: ["m", "n", "k"]
    case .attentionPrefill: ["batch", "heads", "kv_heads", "head_dim", "q_tokens", "kv_tokens"]
    case .attentionDecode: ["batch", "heads", "kv_heads", "head_dim", "kv_tokens"]
    case .collective: ["bytes", "ranks"]
    case .memory: ["bytes"]
    }
  }

  /// Σ over the batch of query–key pairs under the causal mask:
  /// batch · (q·(c − q) + q·(q + 1)/2).
  public var causalPairs: Double {
    let q = Double(qTokens)
    let c = Double(kvTokens)
    return Double(batch) * (q * (c - q) + q * (q + 1) / 2)
  }
}
