/// A numeric format for weights, activations or the KV cache.
public enum DType: String, CaseIterable, Sendable, Comparable {
  case fp32, bf16, fp16, fp8, int8, int4
  /// NVFP4: 4-bit E2M1 values in blocks of 16 sharing one FP8 (E4M3) scale,
  /// plus one FP32 scale per tensor (NVIDIA, "Introducing NVFP4 for
  /// efficient and accurate low-precision inference", 2025; TensorRT Model
  /// Optimizer's `NVFP4` format): Blackwell tensor cores.
  case fp4
  /// MXFP4: 4-bit E2M1 values in blocks of 32 sharing one 8-bit power-of-two
  /// (E8M0) scale (OCP Microscaling Formats (MX) Specification v1.0, 2023):
  /// AMD CDNA 4 (MI355X) and Blackwell tensor cores.
  case mxfp4

  /// Storage size of one element, in bytes, block scales included: NVFP4
  /// (4 + 8/16) bits = 0.5625 bytes, MXFP4 (4 + 8/32) bits = 0.53125 bytes
  /// (the per-tensor scale of NVFP4 is negligible).
  public var bytes: Double {
    switch self {
    case .fp32: 4
    case .bf16, .fp16: 2
    case .fp8, .int8: 1
    case .int4: 0.5
    case .fp4: 0.5625
    case .mxfp4: 0.53125
    }
  }

  /// Storage size in bits (for messages), scales left out.
  public var bits: Int { Int(bytes * 8) }

  /// Whether the format is a 4-bit float with block scales (NVFP4, MXFP4).
  public var isFP4: Bool { self == .fp4 || self == .mxfp4 }

  /// The case's position (for ordering, and hashing without the raw string).
  var order: Int {
    switch self {
    case .fp32: 0
    case .bf16: 1
    case .fp16: 2
    case .fp8: 3
    case .int8: 4
    case .int4: 5
    case .fp4: 6
    case .mxfp4: 7
    }
  }

  public static func < (lhs: DType, rhs: DType) -> Bool { lhs.order < rhs.order }
}
