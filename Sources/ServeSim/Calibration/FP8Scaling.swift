/// How an fp8 matrix product scales its operands back to real values.
public enum FP8Scaling: String, Sendable, Equatable, CaseIterable {
  /// One scale per tensor (or per row), applied in the epilogue: cuBLASLt and
  /// CUTLASS fp8 GEMMs as `torch._scaled_mm`, vLLM's `cutlass_scaled_mm` and
  /// TensorRT-LLM run them for checkpoints quantised per tensor (ModelOpt FP8
  /// Llama), and `servesim profile --device cuda` times them.
  case tensor
  /// A scale per block: 1×128 of the activations and 128×128 of the weights
  /// (DeepSeek-V3's `weight_block_size`), as DeepGEMM runs them: Hopper's fp8
  /// tensor cores accumulate with too little precision for blocks of
  /// scales, so the kernel promotes each 128-deep partial sum to FP32 on the
  /// CUDA cores and applies the scales there (DeepGEMM README, "two-level
  /// accumulation"), work that a per-tensor kernel does not do.
  case block
}
