/// One measured figure of one experiment beside its prediction.
public struct ValidationRow: Sendable, Equatable {
  public var suite: String
  public var experiment: String
  /// The configuration the experiment measured
  /// (`ValidationExperiment.configuration`, else its id).
  public var configuration: String
  /// The planning choice its experiment is a candidate of
  /// (`ValidationExperiment.choice`; nil: none).
  public var choice: String?
  /// The devices the experiment served on (`Parallelism.devices`; 1 for a
  /// kernel).
  public var devices = 1
  /// The engine (`EngineKind` raw value) or, for a kernel table, the
  /// library that ran the kernel ("deepgemm", "nccl").
  public var engine: String
  public var gpu: String
  public var metric: ValidationMetric
  public var measured: Double
  /// nil when the experiment could not run.
  public var predicted: Double?
  public var heldOut: Bool
  /// Why the experiment could not run (nil when it ran).
  public var failure: String? = nil
  /// Whether the experiment ran speculative decoding, and attention data
  /// parallelism (the parts of `ValidationPart`).
  public var speculative = false
  public var attentionData = false
  /// Whether the run served prefill and decode on separate pools.
  public var disaggregated = false

  public init(
    suite: String, experiment: String, configuration: String? = nil, engine: String, gpu: String,
    metric: ValidationMetric, measured: Double, predicted: Double?, heldOut: Bool, failure: String? = nil
  ) {
    self.suite = suite
    self.experiment = experiment
    self.configuration = configuration ?? experiment
    self.engine = engine
    self.gpu = gpu
    self.metric = metric
    self.measured = measured
    self.predicted = predicted
    self.heldOut = heldOut
    self.failure = failure
  }

  /// predicted / measured − 1 (nil without a prediction or a positive measurement).
  public var error: Double? {
    guard let predicted, measured > 0, predicted.isFinite else { return nil }
    return predicted / measured - 1
  }

  /// The rows of one replayed experiment, in metric order.
  public static func rows(_ experiment: ValidationExperiment, _ outcome: ValidationOutcome) -> [ValidationRow]
  {
    var predictions = [Double?](repeating: nil, count: experiment.measured.count)
    var failure: String?
    switch outcome {
    case .predicted(let values) where values.count == predictions.count: predictions = values.map { $0 }
    case .predicted: failure = "predictions do not match the measured figures"
    case .failed(let why): failure = why
    }
    return zip(experiment.measured, predictions).map { measured, predicted in
      var row = ValidationRow(
        suite: experiment.suite, experiment: experiment.id, configuration: experiment.configuration,
        engine: experiment.engine.rawValue,
        gpu: experiment.gpu, metric: measured.metric, measured: measured.value, predicted: predicted,
        heldOut: experiment.heldOut, failure: failure)
      row.speculative = experiment.speculative != nil
      row.attentionData = experiment.parallelism.attentionData > 1
      row.choice = experiment.choice
      row.devices = experiment.pools?.devices ?? experiment.parallelism.devices
      row.disaggregated = experiment.pools != nil
      return row
    }
  }
}
