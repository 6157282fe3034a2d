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

  public init(
    m: Int = 0, n: Int = 0, k: Int = 0, batch: Int = 0, heads: Int = 0, kvHeads: Int = 0,
    headDim: Int = 0, qTokens: Int = 0, kvTokens: Int = 0, bytes: Int = 0, ranks: Int = 0
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

/// The work of one operator: what a roofline prices.
public struct OperatorWork: Sendable, Equatable {
  /// Floating-point operations.
  public var flops: Double
  /// Bytes moved to and from memory (or sent, for a collective).
  public var bytes: Double
  /// The variable measured times are interpolated over within a family: `m`
  /// for a matrix product, causal pairs for prefill attention, context tokens
  /// for decode attention, bytes otherwise.
  public var size: Double

  public init(flops: Double, bytes: Double, size: Double) {
    self.flops = flops
    self.bytes = bytes
    self.size = size
  }

  /// Bytes of one activation element for a compute `dtype`: 4 in fp32, else 2
  /// (fp8 activations are quantised inside the matrix product).
  public static func activationBytes(_ dtype: DType) -> Double { dtype == .fp32 ? 4 : 2 }

  /// The work of `op` on `shape`, with weights (and math) in `dtype` and the
  /// KV cache in `kvDType`, by the same formulas as `CostModel`.
  public init(_ op: CalibrationOp, shape s: OperatorShape, dtype: DType, kvDType: DType) {
    let act = Self.activationBytes(dtype)
    switch op.family {
    case .matmul:
      let m = Double(s.m)
      let n = Double(s.n)
      let k = Double(s.k)
      self.init(flops: 2 * m * n * k, bytes: n * k * dtype.bytes + (m * k + m * n) * act, size: m)
    case .attentionPrefill:
      let pairs = s.causalPairs
      let d = Double(s.headDim)
      let kv = Double(s.batch) * Double(s.kvTokens) * 2 * Double(s.kvHeads) * d * kvDType.bytes
      let qo = Double(s.batch) * Double(s.qTokens) * 2 * Double(s.heads) * d * act
      self.init(flops: 4 * Double(s.heads) * d * pairs, bytes: kv + qo, size: pairs)
    case .attentionDecode:
      let context = Double(s.batch) * Double(s.kvTokens)
      let d = Double(s.headDim)
      let kv = context * 2 * Double(s.kvHeads) * d * kvDType.bytes
      let qo = Double(s.batch) * 2 * Double(s.heads) * d * act
      self.init(flops: 4 * Double(s.heads) * d * context, bytes: kv + qo, size: context)
    case .collective, .memory:
      self.init(flops: 0, bytes: Double(s.bytes), size: Double(s.bytes))
    }
  }
}
