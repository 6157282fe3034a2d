/// A numeric format for weights, activations or the KV cache.
///
/// `q8_0`, `q4_0` and `q4_K_M` are GGUF weight types of llama.cpp (weights
/// only); GGUF's F32, F16 and BF16 are `fp32`, `fp16` and `bf16`.
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

  /// (4 + 8/16) bits = 0.5625 bytes, MXFP4 (4 + 8/32) bits = 0.53125 bytes
  /// (the per-tensor scale of NVFP4 is negligible).
  case q8_0, q4_0
  case q4KM = "q4_K_M"

  /// Storage size of one element, in bytes, block scales included. NVFP4
  /// (4 + 8/16) bits = 0.5625 bytes, MXFP4 (4 + 8/32) bits = 0.53125 bytes
  /// (the per-tensor scale of NVFP4 is negligible). GGUF types with their
  /// block scales (ggml/src/ggml.c `type_traits` and ggml-common.h, llama.cpp
  /// 0c1e57098): q8_0 is a block of 32 int8 values and one fp16 scale, 34
  /// bytes per 32 weights; q4_0 32 4-bit values and one fp16 scale, 18 bytes
  /// per 32. q4_K_M mixes q4_K (144 bytes per 256 weights, 4.5 bits) with
  /// q6_K (210 bytes per 256, 6.5625 bits) for the output, half of
  /// `attn_v` and `ffn_down` (src/llama-quant.cpp `llama_tensor_get_type`):
  /// 4.89 bits a weight on the whole, the ratio of the Q4_K_M and Q8_0
  /// file sizes tools/quantize/quantize.cpp lists for Llama-3-8B (4.58G and
  /// 7.96G) times q8_0's 8.5 bits.
  public var bytes: Double {
    switch self {
    case .fp32: 4
    case .bf16, .fp16: 2
    case .fp8, .int8: 1
    case .int4: 0.5
    case .fp4: 0.5625
    case .mxfp4: 0.53125
    case .q8_0: 34.0 / 32
    case .q4_0: 18.0 / 32
    case .q4KM: 4.58 / 7.96 * 34.0 / 32
    }
  }

  /// Whether this is a GGUF block-quantised type, whose matrix products
  /// llama.cpp's CPU backend runs on the quantised blocks directly
  /// (`ggml_vec_dot_q8_0_q8_0`, `ggml_vec_dot_q4_0_q8_0`,
  /// `ggml_vec_dot_q4_K_q8_K` in ggml/src/ggml-cpu/quants.c and arch/*):
  /// the activations are quantised to 8-bit blocks (`vec_dot_type` q8_0 or
  /// q8_K) and each block's integer dot product is scaled in fp32. Bytes
  /// streamed are the quantised bytes; the math is 8-bit integer dot
  /// products (the device's int8 rate, else its fp32 rate).
  public var isBlockQuantised: Bool { self == .q8_0 || self == .q4_0 || self == .q4KM }

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
    case .q8_0: 8
    case .q4_0: 9
    case .q4KM: 10
    }
  }

  public static func < (lhs: DType, rhs: DType) -> Bool { lhs.order < rhs.order }
}
