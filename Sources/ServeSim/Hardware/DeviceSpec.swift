/// One accelerator or CPU: the datasheet figures the roofline cost model needs.
///
/// Every figure in a device file cites its source or the calibration that
/// produced it; `efficiency` factors are achieved fractions of peak, not
/// datasheet figures.
public struct DeviceSpec: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable { case gpu, npu, cpu }
  /// The software stack of a device: NVIDIA CUDA, AMD ROCm (HIP), Huawei
  /// CANN, or a host CPU; it decides which engines run and which of their
  /// kernels apply.
  public enum Platform: String, Sendable, CaseIterable { case cuda, rocm, cann, cpu }

  public var name: String
  public var kind: Kind
  /// Dense peak throughput per data type, in TFLOP/s (TOP/s for integers).
  /// A dtype missing here is not accelerated by the device.
  public var peakTFLOPS: [DType: Double]
  /// Device memory, in GB (10^9 bytes).
  public var memoryGB: Double
  /// Peak memory bandwidth, in GB/s.
  public var memoryBandwidthGBps: Double
  /// Power at idle and at full load, in watts.
  public var idlePowerW: Double
  public var maxPowerW: Double
  /// Rental price of one device, in US dollars per hour.
  public var pricePerHourUSD: Double
  /// Streaming multiprocessors, AI cores or CPU cores.
  public var computeUnits: Int
  /// Achieved fraction of the dense peak on large matrix products (0...1].
  public var computeEfficiency: Double
  /// Achieved fraction of peak memory bandwidth on streaming kernels (0...1].
  public var memoryEfficiency: Double
  /// Achieved fraction of the 16-bit dense peak by attention kernels
  /// (FlashAttention, paged attention) (0...1].
  public var attentionEfficiency: Double
  /// Fixed cost of one kernel launched eagerly, in microseconds.
  public var kernelLaunchUs: Double
  /// Fixed cost of one kernel inside a captured graph (CUDA graphs), in microseconds.
  public var graphKernelUs: Double
  /// Memory the runtime keeps outside the model (context, communication buffers,
  /// graph pools), in GB.
  public var runtimeOverheadGB: Double
  /// Total memory as the driver reports it (`nvidia-smi`, `torch.cuda.mem_get_info`),
  /// in MiB, when it differs from the marketed `memoryGB` (an "80 GB" H100
  /// shows 81,559 MiB); nil: `memoryGB` × 10⁹ bytes.
  public var driverMemoryMiB: Double?
  /// Prefill attention priced by FlashAttention-3's tiles (`AttentionTiles`);
  /// nil: at `attentionEfficiency` of the peak.
  public var attentionTiles: AttentionTiles?
  /// Prefill attention as TensorRT-LLM's own context kernel runs it on this
  /// device (its fmha_v2 FMHA, not FlashAttention-3), priced by the same
  /// tiles (`AttentionTiles`); nil: as `attentionTiles`.
  public var trtllmAttentionTiles: AttentionTiles?
  /// The software platform engines run on (CUDA, ROCm, CANN, a CPU).
  public var platform: Platform = .cuda
  /// The device's own calibration (the store its file names), consulted by
  /// the cost model when a plan names none; nil: the datasheet only.
  public var calibration: Calibration?

  /// Device memory as the engines see it (the driver's total), in bytes:
  /// what their memory fractions apply to.
  public var visibleMemoryBytes: Double { driverMemoryMiB.map { $0 * 1_048_576 } ?? memoryGB * 1e9 }

  public init(
    name: String, kind: Kind, peakTFLOPS: [DType: Double], memoryGB: Double,
    memoryBandwidthGBps: Double, idlePowerW: Double, maxPowerW: Double,
    pricePerHourUSD: Double, computeUnits: Int, computeEfficiency: Double,
    memoryEfficiency: Double, attentionEfficiency: Double, kernelLaunchUs: Double, graphKernelUs: Double,
    runtimeOverheadGB: Double
  ) {
    self.name = name
    self.kind = kind
    self.peakTFLOPS = peakTFLOPS
    self.memoryGB = memoryGB
    self.memoryBandwidthGBps = memoryBandwidthGBps
    self.idlePowerW = idlePowerW
    self.maxPowerW = maxPowerW
    self.pricePerHourUSD = pricePerHourUSD
    self.computeUnits = computeUnits
    self.computeEfficiency = computeEfficiency
    self.memoryEfficiency = memoryEfficiency
    self.attentionEfficiency = attentionEfficiency
    self.kernelLaunchUs = kernelLaunchUs
    self.graphKernelUs = graphKernelUs
    self.runtimeOverheadGB = runtimeOverheadGB
  }

  /// The math a matrix product runs in for given weight and activation formats,
  /// and the dense peak of that math, in FLOP/s.
  ///
  /// Weight-only quantisation (int8/int4/fp8 weights with 16-bit activations)
  /// dequantises in the kernel and multiplies in the activation format, as
  /// vLLM's Marlin and AWQ kernels do. fp8 activations use fp8 tensor cores where
  /// the device has them; elsewhere the math falls back to 16-bit (vLLM runs
  /// fp8 checkpoints weight-only on A100 through Marlin). fp4 weights and
  /// activations (NVFP4 or MXFP4 W4A4) use the device's fp4 tensor cores;
  /// plans on devices without them are rejected (`PlanSpec.validate`).
  public func matmulMath(weights: DType, activations: DType) -> (dtype: DType, flopsPerSecond: Double) {
    let wanted: DType
    switch (weights, activations) {
    case (.fp8, .fp8): wanted = .fp8
    case (.fp4, .fp4): wanted = .fp4
    case (.mxfp4, .mxfp4): wanted = .mxfp4
    case (.int8, .int8): wanted = .int8
    // GGUF block types: llama.cpp's CPU kernels quantise the activations to
    // 8-bit blocks and multiply in integers (`DType.isBlockQuantised`).
    case (let w, _) where w.isBlockQuantised: wanted = .int8
    case (_, .fp32): wanted = .fp32
    case (_, .fp16): wanted = .fp16
    default: wanted = .bf16
    }
    if let peak = peakTFLOPS[wanted] { return (wanted, peak * 1e12) }
    for fallback in [DType.bf16, .fp16, .fp32] {
      if let peak = peakTFLOPS[fallback] { return (fallback, peak * 1e12) }
    }
    return (.fp32, 1e9)
  }
}

extension DeviceSpec.Kind {
  /// The platform a device of this kind runs on when its file names none:
  /// CUDA for GPUs (AMD device files say `platform: rocm`), CANN for NPUs.
  public var platform: DeviceSpec.Platform {
    switch self {
    case .gpu: .cuda
    case .npu: .cann
    case .cpu: .cpu
    }
  }
}
