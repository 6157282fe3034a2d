/// The time and work of one operator on one device.
public struct OperatorEstimate: Sendable, Equatable {
  /// Wall time, in seconds, launch cost included.
  public var seconds: Double
  /// Floating-point operations on this device.
  public var flops: Double
  /// Bytes moved to and from device memory by this device.
  public var bytes: Double
  /// `seconds` split by the source that priced them.
  public var sources: SourceSeconds
  /// Kernels the host issues for it (one per operator; a launch the host
  /// pays for in eager mode, see `EngineProfile.hostKernelUs`).
  public var kernels: Double
  /// Time the device waits for the host to issue these kernels in eager
  /// mode, in seconds: Σ max(0, issue − run) over them
  /// (`CostModel.issued`); part of the wall time, not of `seconds`.
  public var idle = 0.0

  /// - Parameter sources: where the seconds came from (all from the datasheet
  ///   when nil).
  public init(
    seconds: Double, flops: Double, bytes: Double, sources: SourceSeconds? = nil, kernels: Double = 1
  ) {
    self.kernels = kernels
    self.seconds = seconds
    self.flops = flops
    self.bytes = bytes
    self.sources = sources ?? SourceSeconds(seconds, from: .datasheet)
  }

  /// Adds another operator's time, work and sources.
  public static func += (lhs: inout OperatorEstimate, rhs: OperatorEstimate) {
    lhs.seconds += rhs.seconds
    lhs.flops += rhs.flops
    lhs.bytes += rhs.bytes
    lhs.sources += rhs.sources
    lhs.kernels += rhs.kernels
    lhs.idle += rhs.idle
  }

  public static let zero = OperatorEstimate(seconds: 0, flops: 0, bytes: 0, kernels: 0)
}
