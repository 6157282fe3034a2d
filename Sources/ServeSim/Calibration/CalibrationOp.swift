/// An operator a calibration store measures and the cost model prices.
///
/// The raw values are the names used in the store, in `servesim cost`'s
/// `op` column and in exported CSV files.
public enum CalibrationOp: String, Sendable, CaseIterable, Comparable {
  /// A matrix product of `m` tokens by a weight of `n` outputs and `k` inputs.
  case gemm
  /// Prefill attention: `batch` sequences, each `q_tokens` new tokens over a
  /// context of `kv_tokens` that includes them (causal).
  case attentionPrefill = "attention_prefill"
  /// Decode attention: `batch` sequences, one new token each over `kv_tokens`.
  case attentionDecode = "attention_decode"
  case allReduce = "all_reduce"
  case allGather = "all_gather"
  case reduceScatter = "reduce_scatter"
  case allToAll = "all_to_all"
  case sendRecv = "send_recv"
  /// Any memory-bound kernel moving `bytes` (read plus written).
  case elementwise
  /// RMS normalisation (`bytes` moved).
  case rmsnorm
  /// Layer normalisation (`bytes` moved).
  case layernorm
  /// SiLU of the gate times the up projection (`bytes` moved).
  case siluMul = "silu_mul"
  /// Rotary position embedding of queries and keys (`bytes` moved).
  case rotary
  /// Residual addition (`bytes` moved).
  case add
  /// A memory copy (`bytes` read plus written).
  case copy
  /// The STREAM triad a = b + s·c (`bytes` read plus written).
  case triad

  /// How an operator is looked up and fitted.
  public enum Family: Sendable, Equatable {
    case matmul, attentionPrefill, attentionDecode, collective, memory
  }

  public var family: Family {
    switch self {
    case .gemm: .matmul
    case .attentionPrefill: .attentionPrefill
    case .attentionDecode: .attentionDecode
    case .allReduce, .allGather, .reduceScatter, .allToAll, .sendRecv: .collective
    default: .memory
    }
  }

  public static func < (lhs: CalibrationOp, rhs: CalibrationOp) -> Bool {
    lhs.rawValue < rhs.rawValue
  }
}

extension CalibrationOp {
  /// The case's position, for hashing without the raw string (families and
  /// fits are looked up for every priced operator).
  var ordinal: Int {
    switch self {
    case .gemm: 0
    case .attentionPrefill: 1
    case .attentionDecode: 2
    case .allReduce: 3
    case .allGather: 4
    case .reduceScatter: 5
    case .allToAll: 6
    case .sendRecv: 7
    case .elementwise: 8
    case .rmsnorm: 9
    case .layernorm: 10
    case .siluMul: 11
    case .rotary: 12
    case .add: 13
    case .copy: 14
    case .triad: 15
    }
  }
}
