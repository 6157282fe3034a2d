import ServeSim

/// A serving engine a plan can be exported to.
public enum ExportEngine: String, CaseIterable, Sendable {
  case vllm, sglang, trtllm, llamacpp

  /// The engine as plans name it.
  public var kind: EngineKind {
    switch self {
    case .vllm: .vllm
    case .sglang: .sglang
    case .trtllm: .trtllm
    case .llamacpp: .llamacpp
    }
  }
}
