/// Where an operator's time came from, best first.
public enum CostSource: String, Sendable, CaseIterable, Comparable {
  /// Measured on the device: a calibration-store measurement of this shape, or
  /// interpolated in log space between measured neighbours of the same family.
  case measured
  /// A roofline model whose parameters were fitted to the device's measurements.
  case fitted
  /// The datasheet roofline (peak figures times the device file's efficiencies).
  case datasheet

  private var rank: Int {
    switch self {
    case .measured: 0
    case .fitted: 1
    case .datasheet: 2
    }
  }

  /// `measured < fitted < datasheet`: lower is better.
  public static func < (lhs: CostSource, rhs: CostSource) -> Bool { lhs.rank < rhs.rank }
}
