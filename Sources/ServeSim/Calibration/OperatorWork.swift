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
