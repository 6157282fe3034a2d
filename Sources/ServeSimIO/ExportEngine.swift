import ServeSim

/// A serving engine a plan can be exported to.
public enum ExportEngine: String, CaseIterable, Sendable {
  case vllm, sglang, trtllm
}
