/// One measured kernel of a public kernel table (DeepGEMM's GEMMs, nccl-tests'
/// all-reduce sweeps, AIConfigurator's MLA attention), described as `servesim cost` takes it: what
/// `servesim validate` prices with the cost model and compares.
public struct ValidationKernel: Sendable, Equatable {
  /// The suite (one per table), e.g. "deepgemm".
  public var suite: String
  /// Unique within the suite, stable across releases of the data.
  public var id: String
  /// The GPU as the report groups it ("H100", "H200").
  public var gpu: String
  /// The library that ran the kernel ("deepgemm", "nccl").
  public var engine: String
  /// The operator and its shape, as `servesim cost` takes them.
  public var op: CalibrationOp
  public var shape: OperatorShape
  public var dtype: DType
  /// The KV cache's format of an attention kernel (`servesim cost --kv-dtype`).
  public var kvDType: DType
  /// Whether the kernel quantises its 16-bit input rows first, as the
  /// simulator's fp8 GEMMs do (false: the table timed the GEMM on inputs
  /// already in fp8, as DeepGEMM's does).
  public var quantisesInput: Bool
  /// How an fp8 GEMM's operands are scaled (DeepGEMM's: by blocks).
  public var fp8Scaling: FP8Scaling
  /// The latent-attention widths of an MLA attention kernel (nil: not MLA;
  /// `OperatorPricer.price`).
  public var mla: MLASpec?
  /// Tokens of a KV pool the engine's backend converts whole before the
  /// kernel (`servesim cost --kv-pool-tokens`; 0: none).
  public var kvPoolTokens = 0
  /// The serving engine whose own kernel ran, priced as that engine's
  /// (`OperatorPricer.price`'s `engine`; nil: the device's default kernels).
  public var servingEngine: EngineKind?
  /// The measured time of one kernel (or one collective), in microseconds.
  public var measuredUs: Double
  /// Whether the row is held out of every fit.
  public var heldOut: Bool

  public init(
    suite: String, id: String, gpu: String, engine: String, op: CalibrationOp, shape: OperatorShape,
    dtype: DType, kvDType: DType? = nil, quantisesInput: Bool = true, fp8Scaling: FP8Scaling = .tensor,
    mla: MLASpec? = nil, measuredUs: Double, heldOut: Bool
  ) {
    self.suite = suite
    self.id = id
    self.gpu = gpu
    self.engine = engine
    self.op = op
    self.shape = shape
    self.dtype = dtype
    self.kvDType = kvDType ?? dtype
    self.quantisesInput = quantisesInput
    self.fp8Scaling = fp8Scaling
    self.mla = mla
    self.measuredUs = measuredUs
    self.heldOut = heldOut
  }

  /// The kernel's report row, with `predictedUs` (nil: could not be priced, `failure` says why).
  public func row(predictedUs: Double?, failure: String? = nil) -> ValidationRow {
    ValidationRow(
      suite: suite, experiment: id, engine: engine, gpu: gpu, metric: .kernelUs, measured: measuredUs,
      predicted: predictedUs, heldOut: heldOut, failure: predictedUs == nil ? failure ?? "not priced" : nil)
  }
}
