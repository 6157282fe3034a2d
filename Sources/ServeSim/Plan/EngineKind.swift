/// The serving engine a plan models: it sets scheduler defaults and the
/// per-iteration overheads (see `EngineProfile`).
public enum EngineKind: String, Sendable, CaseIterable { case vllm, sglang, trtllm, mindie, llamacpp }
