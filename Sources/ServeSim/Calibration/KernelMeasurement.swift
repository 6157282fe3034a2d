/// One timed operator: a row of the calibration store's `measurement` table.
public struct KernelMeasurement: Sendable, Equatable {
  /// The device the time belongs to (for example "h100" or "host").
  public var device: String
  /// What ran the kernel ("openblas", "pytorch", "vidur"), and its version.
  public var backend: String
  public var backendVersion: String
  public var op: CalibrationOp
  /// The math (and storage) format of the operator.
  public var dtype: DType
  public var shape: OperatorShape
  /// Median time, in microseconds.
  public var medianUs: Double
  /// Spread of the time (interquartile range), in microseconds.
  public var spreadUs: Double
  /// Timed repetitions behind the median.
  public var repeats: Int
  /// Threads the kernel ran on (host CPU; 0 when not applicable).
  public var threads: Int
  /// When it was measured (ISO 8601, UTC).
  public var measuredAt: String
  /// The machine it was measured on.
  public var host: String
  /// Free-form origin of the row (for imports, the source operator and model).
  public var label: String
  /// Set when the machine looked busy while this row was timed.
  public var flagged: Bool

  public init(
    device: String, backend: String, backendVersion: String, op: CalibrationOp, dtype: DType,
    shape: OperatorShape, medianUs: Double, spreadUs: Double, repeats: Int, threads: Int = 0,
    measuredAt: String, host: String, label: String = "", flagged: Bool = false
  ) {
    self.device = device
    self.backend = backend
    self.backendVersion = backendVersion
    self.op = op
    self.dtype = dtype
    self.shape = shape
    self.medianUs = medianUs
    self.spreadUs = spreadUs
    self.repeats = repeats
    self.threads = threads
    self.measuredAt = measuredAt
    self.host = host
    self.label = label
    self.flagged = flagged
  }

  /// The operator's work, with the KV cache in the measurement's dtype.
  public var work: OperatorWork { OperatorWork(op, shape: shape, dtype: dtype, kvDType: dtype) }
}
