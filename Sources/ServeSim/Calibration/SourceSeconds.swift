/// Seconds of simulated device time split by the source that priced them.
public struct SourceSeconds: Sendable, Equatable {
  /// Seconds priced from measurements, in seconds.
  public var measured: Double = 0
  /// Seconds priced by the fitted model, in seconds.
  public var fitted: Double = 0
  /// Seconds priced by the datasheet roofline, in seconds.
  public var datasheet: Double = 0

  public init(measured: Double = 0, fitted: Double = 0, datasheet: Double = 0) {
    self.measured = measured
    self.fitted = fitted
    self.datasheet = datasheet
  }

  /// `seconds` all from one source.
  public init(_ seconds: Double, from source: CostSource) {
    self.init()
    self[source] = seconds
  }

  /// Seconds from one source.
  public subscript(_ source: CostSource) -> Double {
    get {
      switch source {
      case .measured: measured
      case .fitted: fitted
      case .datasheet: datasheet
      }
    }
    set {
      switch source {
      case .measured: measured = newValue
      case .fitted: fitted = newValue
      case .datasheet: datasheet = newValue
      }
    }
  }

  /// All seconds, whatever their source.
  public var total: Double { measured + fitted + datasheet }

  /// Share of the total from `source` (0...1; 0 when there is no time).
  public func share(_ source: CostSource) -> Double {
    let sum = total
    return sum > 0 ? self[source] / sum : 0
  }

  public static func + (lhs: SourceSeconds, rhs: SourceSeconds) -> SourceSeconds {
    SourceSeconds(
      measured: lhs.measured + rhs.measured, fitted: lhs.fitted + rhs.fitted,
      datasheet: lhs.datasheet + rhs.datasheet)
  }

  public static func += (lhs: inout SourceSeconds, rhs: SourceSeconds) { lhs = lhs + rhs }

  /// Every figure multiplied by `factor`.
  public static func * (lhs: SourceSeconds, factor: Double) -> SourceSeconds {
    SourceSeconds(
      measured: lhs.measured * factor, fitted: lhs.fitted * factor,
      datasheet: lhs.datasheet * factor)
  }
}
