/// How kernels are launched in an iteration.
public enum LaunchMode: Sendable, Equatable {
  /// Each kernel launched by the host.
  case eager
  /// Kernels replayed from a captured graph (CUDA graphs).
  case graph
}
