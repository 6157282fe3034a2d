/// A figure a measured serving run reports and a simulation predicts.
///
/// Latencies are in milliseconds over the measured (non-warm-up) requests;
/// throughput is output tokens per second of the whole served group of devices;
/// `kernel_us` is the time of one kernel (a kernel table's row), in microseconds.
public enum ValidationMetric: String, Sendable, CaseIterable, Comparable {
  case ttftMeanMs = "ttft_mean_ms"
  case ttftP50Ms = "ttft_p50_ms"
  case ttftP90Ms = "ttft_p90_ms"
  case ttftP99Ms = "ttft_p99_ms"
  case tpotMeanMs = "tpot_mean_ms"
  case tpotP50Ms = "tpot_p50_ms"
  case tpotP90Ms = "tpot_p90_ms"
  case tpotP99Ms = "tpot_p99_ms"
  case itlMeanMs = "itl_mean_ms"
  case outputTokPerS = "output_tok_per_s"
  case kernelUs = "kernel_us"

  /// The predicted value in a simulation's summary (NaN for `kernel_us`,
  /// which a kernel table's row measures and the cost model prices).
  public func value(in summary: Summary) -> Double {
    switch self {
    case .ttftMeanMs: summary.ttft.mean
    case .ttftP50Ms: summary.ttft.p50
    case .ttftP90Ms: summary.ttft.p90
    case .ttftP99Ms: summary.ttft.p99
    case .tpotMeanMs: summary.tpot.mean
    case .tpotP50Ms: summary.tpot.p50
    case .tpotP90Ms: summary.tpot.p90
    case .tpotP99Ms: summary.tpot.p99
    case .itlMeanMs: summary.itl.mean
    case .outputTokPerS: summary.outputTokPerS
    case .kernelUs: .nan
    }
  }

  /// The kind of figure: time to first token, time between tokens (TPOT
  /// and ITL), output throughput, or a kernel's time.
  public enum Family: Sendable, CaseIterable {
    case ttft, interToken, throughput, kernel
  }

  /// This metric's family.
  public var family: Family {
    switch self {
    case .ttftMeanMs, .ttftP50Ms, .ttftP90Ms, .ttftP99Ms: .ttft
    case .tpotMeanMs, .tpotP50Ms, .tpotP90Ms, .tpotP99Ms, .itlMeanMs: .interToken
    case .outputTokPerS: .throughput
    case .kernelUs: .kernel
    }
  }

  /// Declaration order (the order of the report's rows).
  public static func < (a: ValidationMetric, b: ValidationMetric) -> Bool {
    let order = allCases
    return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
  }
}
