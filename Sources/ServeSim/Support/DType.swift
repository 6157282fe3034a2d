/// A numeric format for weights, activations or the KV cache.
public enum DType: String, CaseIterable, Sendable, Comparable {
  case fp32, bf16, fp16, fp8, int8, int4

  /// Storage size of one element, in bytes.
  public var bytes: Double {
    switch self {
    case .fp32: 4
    case .bf16, .fp16: 2
    case .fp8, .int8: 1
    case .int4: 0.5
    }
  }

  /// Storage size in bits (for messages).
  public var bits: Int { Int(bytes * 8) }

  /// The case's position (for ordering, and hashing without the raw string).
  var order: Int {
    switch self {
    case .fp32: 0
    case .bf16: 1
    case .fp16: 2
    case .fp8: 3
    case .int8: 4
    case .int4: 5
    }
  }

  public static func < (lhs: DType, rhs: DType) -> Bool { lhs.order < rhs.order }
}
