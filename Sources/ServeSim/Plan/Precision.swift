/// Numeric formats of a plan.
public struct Precision: Sendable, Equatable {
  public var weights: DType
  public var activations: DType
  public var kvCache: DType

  public init(weights: DType = .bf16, activations: DType = .bf16, kvCache: DType = .bf16) {
    self.weights = weights
    self.activations = activations
    self.kvCache = kvCache
  }
}
