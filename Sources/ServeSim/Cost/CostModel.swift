/// A datasheet roofline model of one tensor-parallel group of identical devices:
/// each operator takes max(compute time, memory time) plus a launch cost, with
/// the device's achieved efficiencies; tensor-parallel collectives follow the
/// alpha–beta model over the group's link.
///
/// The operators are those of a decoder layer as vLLM runs them (QKV projection,
/// rotary, attention with the KV-cache write, output projection, all-reduce,
/// fused residual-add-and-norm, gate/up projection, activation, down projection,
/// all-reduce), plus the embedding, final norm, LM head over the sampled tokens
/// only (vLLM's `logits_indices`), the logits gather and sampling.
public struct CostModel: Sendable {
  public let model: ModelSpec
  public let device: DeviceSpec
  public let precision: Precision
  /// Tensor-parallel degree.
  public let tensor: Int
  /// The tensor-parallel group on the cluster's topology.
  public let tensorGroup: CommGroup
  /// The calibration consulted before the datasheet: the plan's, else the
  /// device's own (nil: datasheet only).
  public let calibration: Calibration?
  /// The calibration's prefill and decode attention families, looked up
  /// once (attention is priced every iteration); they own the boxes below.
  var attentionLookups: [Calibration.Lookup] = []
  /// The prefill attention lookup's box, unretained: pricing reads it
  /// without a retain and release per call (`priced(_:work:roofline:mode:)`);
  /// `attentionLookups`, travelling with it in every copy, keeps it alive.
  var attentionPrefillBox: Unmanaged<Calibration.Lookup.Parts>?
  /// The same for decode attention.
  var attentionDecodeBox: Unmanaged<Calibration.Lookup.Parts>?
  /// The calibration's memory-bound families (`elementwise` ... `triad`)
  /// in `matmulDType`, looked up once by `memoryOpIndex` (empty without a
  /// calibration): a pricer prices every token count's layer from them, and
  /// each lookup hashed up to three dictionary keys.
  var memoryLookups: [Calibration.Lookup] = []
  /// The calibration's `ceiling` and `measuredElsewhere`, held apart so
  /// that pricing from a lookup does not copy the calibration.
  let calibrationCeiling: CostSource
  /// See `calibrationCeiling`.
  let calibrationMeasuredElsewhere: Bool
  /// Fixed time of one tensor-core kernel timed eagerly, in seconds: the
  /// calibration's 16-bit GEMM fit (launch, prologue, one tile's pipeline
  /// fill, epilogue), else the datasheet launch.
  let tensorKernelFixed: Double
  /// How many times faster than the calibration's fp8 GEMM fit a dense fp8
  /// GEMM of this model computes: `perTensorFP8Speedup` where the model's
  /// weights are scaled per tensor and the fit was measured on block-scaled
  /// kernels, its inverse the other way round, else 1 (bandwidth and launch
  /// are the fit's either way).
  let fp8ComputeSpeedup: Double
  /// The share of the fitted GEMM compute rate that the engine's fused-MoE
  /// kernel reaches on the experts' grouped GEMMs
  /// (`EngineProfile.fusedMoEComputeShare`; 1: the dense fit's).
  public var fusedMoEComputeShare = 1.0
  /// Time of the engine's fused-MoE kernel per token-to-expert row and
  /// element of the hidden width that tensor parallelism does not divide
  /// (`EngineProfile.fusedMoERowPs`), in seconds; 0: none modelled.
  public var fusedMoERowSeconds = 0.0
  /// The share of the device's attention rate (peak × `efficiency.attention`)
  /// that the engine's attention kernels reach where no calibration prices
  /// them (`EngineProfile.attentionComputeShare`; 1: the device's figure).
  public var attentionComputeShare = 1.0
  /// Whether the engine quantises fp8 activations inside their producing
  /// kernel (no quantisation kernel of its own; `EngineProfile`).
  public var fusesActivationQuantisation = false
  /// Expert-parallel degree of MoE layers (1: experts sharded by tensor
  /// parallelism, as vLLM's fused MoE does by default).
  public var expertParallel = 1 {
    didSet { expertRankZ = Self.expectedMaxOfNormals(expertParallel) }
  }
  /// The expected largest of `expertParallel` standard normal draws: how
  /// many standard deviations above the mean the busiest expert-parallel
  /// rank's load lies (`MoESpec.busiestRank`; 0 without expert parallelism).
  private(set) var expertRankZ = 0.0
  /// Load imbalance of experts: the busiest expert-parallel rank gets
  /// (1 + imbalance) times the mean of the routed tokens (0: uniform, the
  /// optimistic bound).
  public var expertImbalance = 0.0
  /// Redundant copies of experts over the expert-parallel ranks
  /// (`Parallelism.redundantExperts`); they count only where
  /// `expertParallel` is above 1 (`MoESpec.busiestRank` over one rank
  /// ignores them), as `Parallelism.expertCopies` holds them.
  public var redundantExperts = 0
  /// Shared experts run inside the routed experts' fused kernel as experts
  /// every token is routed to (`SharedExpertFusion`; 0: an MLP of their own).
  public var fusedSharedExperts = 0
  /// Cached tokens of a prefill batch below which an MLA model's batch with
  /// cached context runs the absorbed attention path (`MLAPrefillDispatch`;
  /// 0: always multi-head attention).
  public var mlaAbsorbedPrefixBelow = 0.0
  /// Tokens of a layer's KV pool that the attention backend converts to the
  /// activations' 16-bit format before each absorbed MLA kernel, the whole
  /// pool whatever the batch holds (`MLAPrefillDispatch.castsKVPool`: SGLang's
  /// fa3 backend with an fp8 cache); 0: the kernel reads the cache as stored.
  public var kvPoolCastTokens = 0.0
  /// Host time to issue one kernel eagerly (`EngineProfile.hostKernelUs`), in
  /// seconds; 0: the host keeps ahead of the device.
  public var hostKernelSeconds = 0.0

  /// `e` with the time its kernels wait for their issue when launched eagerly
  /// (`OperatorEstimate.idle`): each of them takes the longer of its issue,
  /// `hostKernelSeconds`, and its run. Captured graphs are issued at once.
  @inline(__always)
  func issued(_ e: OperatorEstimate, mode: LaunchMode) -> OperatorEstimate {
    guard mode == .eager, hostKernelSeconds > 0 else { return e }
    var e = e
    e.idle = max(0, e.kernels * hostKernelSeconds - e.seconds)
    return e
  }

  /// Achieved matrix-product throughput, in FLOP/s.
  public let matmulFlopsPerSecond: Double
  /// Achieved attention throughput, in FLOP/s: the device's at the
  /// engine's `attentionComputeShare`.
  public var attentionFlopsPerSecond: Double { deviceAttentionFlopsPerSecond * attentionComputeShare }
  /// The device's attention throughput (peak × `efficiency.attention`), in
  /// FLOP/s, before the engine's `attentionComputeShare`.
  private let deviceAttentionFlopsPerSecond: Double
  /// Prefill attention by tiles (`DeviceSpec.attentionTiles`): one tile's
  /// fixed cost and one 128-key block's compute on one SM at the engine's
  /// full attention share, in seconds; nil on a device without tiles.
  private var attentionTileSeconds: (tile: Double, block: Double)?
  /// The tiles prefill and decode attention are priced by
  /// (`useAttentionTiles`); nil: the roofline.
  public private(set) var attentionTiles: AttentionTiles?
  /// Decode attention by tiles (`AttentionTiles.decodeTileUs`,
  /// `decodeBandwidth`): one (sequence, KV head) tile's fixed cost spread
  /// over the SMs, in seconds, and the rate the cache streams at, in
  /// bytes/s; nil: the roofline at `bytesPerSecond`.
  private var decodeTileSeconds: (tile: Double, bytesPerSecond: Double)?
  /// Achieved vector (non-tensor-core) throughput for elementwise work, in FLOP/s.
  public let vectorFlopsPerSecond: Double
  /// Achieved memory bandwidth, in bytes/s.
  public let bytesPerSecond: Double
  /// The math matrix products run in.
  public let matmulDType: DType
  /// The format a matrix product is looked up under in the calibration: the
  /// math format, except on a CPU whose calibration times the weight format's
  /// own kernels. llama.cpp multiplies an f16 or GGUF-quantised weight by
  /// converting the activations to the weight's `vec_dot_type` (f16, or q8_0
  /// blocks) and running ggml's kernels for that pair, not fp32 math
  /// (ggml/src/ggml-cpu/ggml-cpu.c `ggml_compute_forward_mul_mat`, commit
  /// 0c1e57098); `scripts/llamacpp-compare` times them by weight type with
  /// `scripts/ggml_matmul_bench.cpp`. Without such times the math format keys
  /// the lookup, as before.
  public let gemmDType: DType

  let weightBytes: Double
  let activationBytes: Double
  let kvBytes: Double
  let headsPerRank: Double
  let kvHeadsPerRank: Double
  let qkvPerRank: Double
  let ffnPerRank: Double
  let vocabPerRank: Double

  /// Kernels one decoder layer launches: norm, QKV, rotary, cache write,
  /// attention, output projection, all-reduce, add+norm, gate/up, activation,
  /// down, all-reduce (collectives only under tensor parallelism).
  public var kernelsPerLayer: Int { tensor > 1 ? 12 : 10 }

  public init(
    model: ModelSpec, device: DeviceSpec, precision: Precision, tensorGroup: CommGroup,
    calibration: Calibration? = nil
  ) {
    self.calibration = calibration ?? device.calibration
    self.model = model
    self.device = device
    self.precision = precision
    self.tensor = tensorGroup.ranks
    self.tensorGroup = tensorGroup
    let tensor = tensorGroup.ranks
    let math = device.matmulMath(weights: precision.weights, activations: precision.activations)
    matmulDType = math.dtype
    if device.kind == .cpu, precision.weights != math.dtype,
      self.calibration?.covers(.gemm, dtype: precision.weights) == true
    {
      gemmDType = precision.weights
    } else {
      gemmDType = math.dtype
    }
    matmulFlopsPerSecond = math.flopsPerSecond * device.computeEfficiency
    // Attention runs in 16-bit (FlashAttention/paged attention) even under fp8
    // weights; its efficiency is the device's `attention_efficiency`.
    let attentionPeak = device.matmulMath(weights: .bf16, activations: .bf16).flopsPerSecond
    deviceAttentionFlopsPerSecond = attentionPeak * device.attentionEfficiency
    attentionTiles = device.attentionTiles
    attentionTileSeconds = Self.tileSeconds(device.attentionTiles, device: device, headDim: model.headDim)
    decodeTileSeconds = Self.decodeSeconds(device.attentionTiles, device: device)
    vectorFlopsPerSecond = (device.peakTFLOPS[.fp32] ?? 1) * 1e12 * device.computeEfficiency
    bytesPerSecond = device.memoryBandwidthGBps * 1e9 * device.memoryEfficiency
    weightBytes = precision.weights.bytes
    // Activations between operators stay 16-bit: fp8 activations are quantised
    // inside the GEMM (vLLM's fp8 W8A8 path), so only the math changes.
    activationBytes = precision.activations == .fp32 ? 4 : 2
    kvBytes = precision.kvCache.bytes
    let t = Double(tensor)
    headsPerRank = Double(model.heads) / t
    // Fewer KV heads than ranks: each rank keeps a replica of one KV head (vLLM).
    kvHeadsPerRank = max(1, Double(model.kvHeads) / t)
    qkvPerRank = (headsPerRank + 2 * kvHeadsPerRank) * Double(model.headDim)
    ffnPerRank = Double(model.intermediateSize) / t
    vocabPerRank = Double(model.vocabSize) / t
    let scaling: FP8Scaling = model.fp8BlockSize > 0 ? .block : .tensor
    if gemmDType == .fp8, let measured = self.calibration?.fp8GEMMScaling, measured != scaling {
      fp8ComputeSpeedup = scaling == .tensor ? Self.perTensorFP8Speedup : 1 / Self.perTensorFP8Speedup
    } else {
      fp8ComputeSpeedup = 1
    }
    tensorKernelFixed = max(
      self.calibration?.fit(.gemm, dtype: .bf16)?.launchSeconds ?? 0, device.kernelLaunchUs * 1e-6)
    calibrationCeiling = self.calibration?.ceiling ?? .datasheet
    calibrationMeasuredElsewhere = self.calibration?.measuredElsewhere ?? false
    if let calibration = self.calibration {
      attentionLookups = [
        calibration.lookup(attentionFamily(.attentionPrefill)),
        calibration.lookup(attentionFamily(.attentionDecode)),
      ]
      attentionPrefillBox = .passUnretained(attentionLookups[0].parts)
      attentionDecodeBox = .passUnretained(attentionLookups[1].parts)
      memoryLookups = Self.memoryOps.map {
        calibration.lookup(MeasurementTable.Family(op: $0, dtype: math.dtype))
      }
    }
  }

  /// The memory-bound operators `memoryLookups` holds, in its order.
  static let memoryOps: [CalibrationOp] = [
    .elementwise, .rmsnorm, .layernorm, .siluMul, .rotary, .add, .copy, .triad,
  ]

  /// `op`'s place in `memoryOps` (nil: not a memory-bound operator).
  static func memoryOpIndex(_ op: CalibrationOp) -> Int? {
    switch op {
    case .elementwise: 0
    case .rmsnorm: 1
    case .layernorm: 2
    case .siluMul: 3
    case .rotary: 4
    case .add: 5
    case .copy: 6
    case .triad: 7
    default: nil
    }
  }

  /// Fixed time of `kernels` attention kernels that no measurement prices:
  /// each costs what the device's measured GEMMs show a tensor-core kernel
  /// costs beyond its work (`tensorKernelFixed`), less what a graph saves on
  /// the launch (the datasheet launch without a calibration).
  func attentionFixedSeconds(kernels: Double, mode: LaunchMode) -> Double {
    let saved = launchSeconds(.eager) - launchSeconds(mode)
    return kernels * max(tensorKernelFixed - saved, launchSeconds(mode))
  }

  /// Kernels of a decode attention over `sequences` sequences: split-KV
  /// (FlashAttention-3's `num_splits` heuristic, FlashInfer's `split_kv`,
  /// FlashMLA's tile scheduler) spreads a batch whose (sequence, KV head)
  /// pairs do not fill the compute units over slices of the context and
  /// merges the partial results in a second kernel.
  func decodeAttentionKernels(sequences: Int, kvHeads: Double) -> Double {
    Double(sequences) * kvHeads < Double(max(device.computeUnits, 1)) ? 2 : 1
  }

  /// Launch cost of one kernel, in seconds.
  public func launchSeconds(_ mode: LaunchMode) -> Double {
    (mode == .graph ? device.graphKernelUs : device.kernelLaunchUs) * 1e-6
  }

  /// A matrix product of `m` tokens by a weight of `n` outputs and `k` inputs.
  public func gemm(m: Double, n: Double, k: Double, mode: LaunchMode) -> OperatorEstimate {
    guard m > 0 else { return .zero }
    var total = activationQuantisation(rows: m, width: k, mode: mode)
    total += gemmKernel(m: m, n: n, k: k, mode: mode)
    return total
  }

  /// The compute rate of a dense fp8 GEMM with one scale per tensor over
  /// that of a block-scaled one (`FP8Scaling`), for pricing one kind from
  /// fits measured on the other: the shipped H100 store's fp8 GEMMs are
  /// DeepGEMM's block-scaled kernels (1,084 TFLOP/s fitted), and
  /// TensorRT-LLM's offline throughput of ModelOpt FP8 (per-tensor) Llama
  /// and Mistral models on H100 and H200 (validation/
  /// trtllm_perf_overview.csv) came out 10-16% low where prefill GEMMs
  /// dominate (ISL/OSL 2048/128, 5000/500, 128/128, at every tensor-parallel
  /// degree) and within a few percent where decoding does. Fitted on the
  /// calibration part of those rows (`servesim validate --suite
  /// trtllm-offline`): 1.0, 1.1, 1.15, 1.2, 1.25 gave a median |error| of
  /// 9.9, 8.7, 8.2, 8.3, 8.5% (held out 10.6, 9.4, 8.7, 8.2, 8.1%); 1.15,
  /// 1,246 TFLOP/s on the H100, under twice its bf16 fit's 694. Measured
  /// since: SGLang 0.5.1's per-tensor fp8 GEMMs on an H200 reach a median
  /// 1,317 TFLOP/s at 4,096 to 8,192 rows, its block-scaled ones 1,273
  /// (NVIDIA AIConfigurator 0.4.0, `systems/data/h200_sxm/sglang/
  /// 0.5.1.post1/gemm_perf.txt`): the rate holds, the gap between the kinds
  /// is smaller (3% at the median, 13% at the best shapes).
  public static let perTensorFP8Speedup = 1.15

  /// The kernel that quantises a GEMM's 16-bit input rows to fp8 when the
  /// math runs in fp8 (dynamic activation scales): read the rows, write them
  /// in one byte with a scale per row or 128-wide group. A separate kernel
  /// before each fp8 GEMM in vLLM 0.8.5 (`Fp8LinearOp.apply` →
  /// `ops.scaled_fp8_quant`) and SGLang 0.4.9 (`apply_w8a8_block_fp8_linear`
  /// → `per_token_group_quant_fp8`, also before each fused-MoE GEMM).
  ///
  /// fp4 math (NVFP4, MXFP4) quantises its input the same way, writing half a
  /// byte an element plus its block scales (`DType.bytes`): SGLang 0.5.5's
  /// `scaled_fp4_quant` before each ModelOpt FP4 linear layer; engines that
  /// fuse the quantisation into the producer (`fusesActivationQuantisation`)
  /// have none.
  func activationQuantisation(rows m: Double, width k: Double, mode: LaunchMode) -> OperatorEstimate {
    guard m > 0 else { return .zero }
    let elements = m * k
    if matmulDType.isFP4 && !fusesActivationQuantisation {
      return elementwise(
        bytes: elements * (activationBytes + matmulDType.bytes), flops: 2 * elements, mode: mode)
    }
    guard matmulDType == .fp8, !fusesActivationQuantisation || model.fp8BlockSize > 0 else {
      return .zero
    }
    return elementwise(
      bytes: elements * (activationBytes + 1) + m * (k / 128).rounded(.up) * 4, flops: 2 * elements,
      mode: mode)
  }

  /// A memory-bound elementwise kernel moving `bytes` and doing `flops`; `op`
  /// names the kernel for the calibration (`.elementwise` for any).
  public func elementwise(
    bytes: Double, flops: Double, mode: LaunchMode, op: CalibrationOp = .elementwise
  ) -> OperatorEstimate {
    guard bytes > 0 else { return .zero }
    let time = max(flops / vectorFlopsPerSecond, bytes / bytesPerSecond)
    let work = OperatorWork(flops: flops, bytes: bytes, size: bytes)
    if let i = Self.memoryOpIndex(op), i < memoryLookups.count {
      return priced(memoryLookups[i], work: work, roofline: time, mode: mode)
    }
    return priced(MeasurementTable.Family(op: op, dtype: matmulDType), work: work, roofline: time, mode: mode)
  }

  /// Normalisation of `tokens` rows of the hidden size (RMSNorm: read, write,
  /// about 4 FLOPs an element; LayerNorm about 8).
  public func norm(tokens: Double, mode: LaunchMode) -> OperatorEstimate {
    let elements = tokens * Double(model.hiddenSize)
    let perElement = model.norm == .rmsnorm ? 4.0 : 8.0
    return elementwise(
      bytes: 2 * elements * activationBytes + Double(model.hiddenSize) * weightBytes,
      flops: perElement * elements, mode: mode, op: model.norm == .rmsnorm ? .rmsnorm : .layernorm)
  }

  /// Prefill attention of all prefill chunks in the batch (one varlen
  /// FlashAttention kernel): 4·d·pairs FLOPs per head (QKᵀ and PV), reading the
  /// K and V of each chunk's context and the queries, writing the outputs.
  public func attentionPrefill(_ shape: BatchShape, mode: LaunchMode) -> OperatorEstimate {
    guard shape.prefillSequences > 0 else { return .zero }
    if let mla = model.mla { return mlaAttentionPrefill(shape, mla, mode: mode) }
    return attention(
      .attentionPrefill, pairs: shape.prefillAttentionPairs, contextTokens: shape.prefillContextTokens,
      queries: shape.prefillTokens, mode: mode, computeSeconds: tiledPrefillSeconds(shape))
  }

  /// One tile's fixed cost and one 128-key block's compute on one SM at
  /// `tiles.share` of the 16-bit peak, in seconds; nil without tiles.
  private static func tileSeconds(_ tiles: AttentionTiles?, device: DeviceSpec, headDim: Int) -> (
    tile: Double, block: Double
  )? {
    guard let tiles else { return nil }
    let side = Double(AttentionTiles.size)
    let peak = device.matmulMath(weights: .bf16, activations: .bf16).flopsPerSecond
    let perUnit = peak * tiles.share / Double(max(device.computeUnits, 1))
    return (tiles.tileUs * 1e-6, 4 * side * side * Double(headDim) / perUnit)
  }

  /// One decode tile's fixed cost spread over the SMs, in seconds, and the
  /// cache's streaming rate, in bytes/s; nil without tiles.
  private static func decodeSeconds(_ tiles: AttentionTiles?, device: DeviceSpec) -> (
    tile: Double, bytesPerSecond: Double
  )? {
    guard let tiles else { return nil }
    let share = tiles.decodeBandwidth ?? device.memoryEfficiency
    return (
      tiles.decodeTileUs * 1e-6 / Double(max(device.computeUnits, 1)),
      device.memoryBandwidthGBps * 1e9 * share
    )
  }

  /// Prices attention with the engine's own kernels: for TensorRT-LLM, the
  /// device's `trtllmAttentionTiles` (its fmha_v2 context FMHA and its
  /// decode kernel) where the device file gives them; other engines call
  /// FlashAttention-3 (`attentionTiles`).
  public mutating func useAttentionKernels(of engine: EngineKind) {
    guard engine == .trtllm, let own = device.trtllmAttentionTiles else { return }
    useAttentionTiles(own)
  }

  /// Prices prefill and decode attention by `tiles` (nil: the roofline).
  public mutating func useAttentionTiles(_ tiles: AttentionTiles?) {
    attentionTiles = tiles
    attentionTileSeconds = Self.tileSeconds(tiles, device: device, headDim: model.headDim)
    decodeTileSeconds = Self.decodeSeconds(tiles, device: device)
  }

  /// The compute time of a prefill attention kernel priced by its tiles
  /// (`DeviceSpec.attentionTiles`): every head's tiles and key blocks spread
  /// over the SMs, or the longest tile when they are fewer than the SMs; nil
  /// on a device without tiles.
  func tiledPrefillSeconds(_ shape: BatchShape) -> Double? {
    guard let (tile, fullShareBlock) = attentionTileSeconds else { return nil }
    let block = fullShareBlock / attentionComputeShare
    let spread =
      headsPerRank * (shape.prefillTiles * tile + shape.prefillTileBlocks * block)
      / Double(max(device.computeUnits, 1))
    return max(spread, tile + shape.prefillLongestTile * block)
  }

  /// Decode attention of all decoding sequences (one paged-attention kernel):
  /// each sequence reads its whole context's K and V once.
  public func attentionDecode(_ shape: BatchShape, mode: LaunchMode) -> OperatorEstimate {
    guard shape.decodeSequences > 0 else { return .zero }
    if let mla = model.mla { return mlaAttentionDecode(shape, mla, mode: mode) }
    guard let (tile, rate) = decodeTileSeconds else {
      return attention(
        .attentionDecode, pairs: shape.decodeContextTokens, contextTokens: shape.decodeContextTokens,
        queries: shape.decodeSequences, mode: mode)
    }
    // One tile per (sequence, KV head), spread over the SMs; decode's FLOPs
    // (h / kv per byte read) stay far below what binds on these devices.
    let tiles = Double(shape.decodeSequences) * kvHeadsPerRank * tile
    return attention(
      .attentionDecode, pairs: shape.decodeContextTokens, contextTokens: shape.decodeContextTokens,
      queries: shape.decodeSequences, mode: mode, computeSeconds: tiles, bytesPerSecond: rate)
  }

  /// Standard (not MLA) attention on this rank: 4·d FLOPs per head and
  /// query–key pair (QKᵀ and PV), reading K and V of `contextTokens` and
  /// reading and writing the queries' rows; priced as the slower of compute
  /// at the attention peak and memory.
  ///
  /// - Parameters:
  ///   - pairs: query–key pairs computed.
  ///   - contextTokens: context tokens whose K and V are read.
  ///   - queries: query rows (tokens) read and written.
  ///   - computeSeconds: the compute time when a kernel model gives it
  ///     (`tiledPrefillSeconds`; decode: its tiles' fixed costs over the
  ///     SMs), else FLOPs at the attention rate.
  ///   - bytesPerSecond: the rate the kernel streams memory at (nil: the
  ///     device's `efficiency.memory`).
  func attention(
    _ op: CalibrationOp, pairs: Double, contextTokens: Double, queries: Int, mode: LaunchMode,
    computeSeconds: Double? = nil, bytesPerSecond rate: Double? = nil
  ) -> OperatorEstimate {
    let d = Double(model.headDim)
    let flops = 4 * headsPerRank * d * pairs
    let kvRead = contextTokens * 2 * kvHeadsPerRank * d * kvBytes
    let qo = Double(queries) * 2 * headsPerRank * d * activationBytes
    let bytes = kvRead + qo
    let kernels =
      op == .attentionPrefill ? 1 : decodeAttentionKernels(sequences: queries, kvHeads: kvHeadsPerRank)
    // The datasheet path adds one launch to the roofline; unmeasured
    // attention kernels cost what a measured tensor-core kernel does.
    let fixed = attentionFixedSeconds(kernels: kernels, mode: mode) - launchSeconds(mode)
    let compute = computeSeconds ?? flops / attentionFlopsPerSecond
    let time = max(compute, bytes / (rate ?? bytesPerSecond)) + fixed
    let work = OperatorWork(flops: flops, bytes: bytes, size: pairs)
    return priced(
      op == .attentionPrefill ? attentionPrefillBox : attentionDecodeBox, work: work, kernels: kernels,
      roofline: time, mode: mode)
  }

  /// An all-reduce of `tokens` rows of the hidden size across the tensor group.
  public func allReduce(tokens: Double) -> Double { allReduceEstimate(tokens: tokens).seconds }

  /// An all-reduce of `tokens` rows of the hidden size, with its source.
  public func allReduceEstimate(tokens: Double) -> OperatorEstimate {
    collective(.allReduce, bytes: tokens * Double(model.hiddenSize) * activationBytes)
  }

  /// The token-proportional work of one decoder layer (everything but attention)
  /// for `tokens` tokens: projections, MLP, norms, rotary, KV-cache write and the
  /// two all-reduces.
  public func denseLayer(tokens m: Double, mode: LaunchMode, moe: Bool = false) -> OperatorEstimate {
    guard m > 0 else { return .zero }
    var total = model.mla == nil ? attentionBlock(tokens: m, mode: mode) : mlaBlock(tokens: m, mode: mode)
    total += moe ? moeBlock(tokens: m, mode: mode) : mlpBlock(tokens: m, mode: mode)
    return total
  }

  /// The attention block's token-proportional work: input norm, QKV
  /// projection, rotary, KV-cache write, output projection, all-reduce.
  public func attentionBlock(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    let h = Double(model.hiddenSize)
    let d = Double(model.headDim)
    var total = norm(tokens: m, mode: mode)
    total += gemm(m: m, n: qkvPerRank, k: h, mode: mode)
    if model.positionEmbedding == .rope {
      let rotated = m * (headsPerRank + kvHeadsPerRank) * d
      total += elementwise(
        bytes: 2 * rotated * activationBytes, flops: 6 * rotated, mode: mode, op: .rotary)
    }
    // reshape_and_cache: write this iteration's K and V into the paged cache.
    let kvWritten = m * 2 * kvHeadsPerRank * d
    total += elementwise(bytes: kvWritten * (activationBytes + kvBytes), flops: 0, mode: mode)
    total += gemm(m: m, n: h, k: headsPerRank * d, mode: mode)
    total += tensorAllReduce(tokens: m, mode: mode)
    return total
  }

  /// The dense MLP block: residual add fused with the norm (vLLM's
  /// fused_add_rms_norm), gate/up projection, activation, down projection,
  /// all-reduce.
  public func mlpBlock(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    let h = Double(model.hiddenSize)
    var total = norm(tokens: m, mode: mode)
    total += gemm(m: m, n: (model.gatedMLP ? 2 : 1) * ffnPerRank, k: h, mode: mode)
    let inner = m * ffnPerRank
    total += elementwise(
      bytes: (model.gatedMLP ? 3 : 2) * inner * activationBytes, flops: 8 * inner, mode: mode,
      op: model.gatedMLP && model.activation == .silu ? .siluMul : .elementwise)
    total += gemm(m: m, n: h, k: ffnPerRank, mode: mode)
    total += tensorAllReduce(tokens: m, mode: mode)
    return total
  }

  /// A tensor-parallel all-reduce of `tokens` hidden rows and its launch.
  func tensorAllReduce(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    guard tensor > 1 else { return .zero }
    var total = allReduceEstimate(tokens: m)
    total += OperatorEstimate(seconds: launchSeconds(mode), flops: 0, bytes: 0, kernels: 0)
    return issued(total, mode: mode)
  }

  /// Work outside the decoder layers that scales with the tokens of the batch:
  /// the embedding lookup (and its all-reduce under vocabulary-parallel
  /// embedding) and the final norm.
  public func embedding(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    guard m > 0 else { return .zero }
    let h = Double(model.hiddenSize)
    var total = elementwise(bytes: 2 * m * h * activationBytes, flops: 0, mode: mode)
    total += allReduceEstimate(tokens: m)
    total += norm(tokens: m, mode: mode)
    return total
  }

  /// The LM head over the `sampled` positions, the gather of the vocabulary
  /// shards and the sampler (softmax and top-p/top-k over fp32 logits).
  public func sampling(sampled s: Double, mode: LaunchMode) -> OperatorEstimate {
    guard s > 0 else { return .zero }
    let head = gemm(m: s, n: vocabPerRank, k: Double(model.hiddenSize), mode: mode)
    var total = head
    total += collective(.allGather, bytes: s * Double(model.vocabSize) * 4)
    total += elementwise(
      bytes: 3 * s * Double(model.vocabSize) * 4, flops: 5 * s * Double(model.vocabSize),
      mode: mode)
    return total
  }
}
