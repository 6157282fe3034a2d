/// A modelled release of a serving engine: the version whose defaults and
/// behaviours a plan takes (`EngineProfile`).
///
/// The modelled versions, each read from that release's code (sources in
/// `EngineProfile.of`):
/// - vLLM 0.6 (0.6.6.post1, the V0 engine), 0.8 (0.8.5, V1), 0.11 (0.11.0,
///   V1) and 0.14 (0.14.0, V1 with async scheduling on by default; newest);
/// - SGLang 0.4 (0.4.9) and 0.5 (0.5.5; newest);
/// - TensorRT-LLM 0.19 and 1.0 (newest);
/// - MindIE 1.0;
/// - llama.cpp's `llama-server` as llama-cpp-python 0.3 vendors it (read at
///   0.3.36, llama.cpp commit 0c1e57098).
///
/// A version between two modelled ones takes the newest modelled one not newer
/// than it (vLLM "0.9" and "0.10" are modelled by 0.8, "0.12" and "0.13" by
/// 0.11, "0.15" by 0.14); one
/// older than the oldest modelled one is not modelled.
public struct EngineRelease: Sendable, Hashable, CustomStringConvertible {
  public var engine: EngineKind
  /// One of `EngineRelease.modelled(engine)`.
  public var version: EngineVersion

  /// The modelled release that stands for `version` of `engine` (nil: the
  /// newest); a version older than every modelled one gets the oldest (use
  /// `resolve` to reject it instead).
  public init(_ engine: EngineKind, _ version: EngineVersion? = nil) {
    self.engine = engine
    let versions = Self.modelled(engine)
    let requested = version ?? versions[versions.count - 1]
    self.version = versions.last { $0 <= requested } ?? versions[0]
  }

  /// The modelled versions of `engine`, oldest first.
  public static func modelled(_ engine: EngineKind) -> [EngineVersion] {
    switch engine {
    case .vllm: [EngineVersion(0, 6), EngineVersion(0, 8), EngineVersion(0, 11), EngineVersion(0, 14)]
    case .sglang: [EngineVersion(0, 4), EngineVersion(0, 5)]
    case .trtllm: [EngineVersion(0, 19), EngineVersion(1, 0)]
    case .mindie: [EngineVersion(1, 0)]
    // llama.cpp has build numbers, not releases: its versions here are those
    // of llama-cpp-python, whose sdist vendors it (0.3.36: llama.cpp 0c1e57098).
    case .llamacpp: [EngineVersion(0, 3)]
    }
  }

  /// The modelled release that stands for `version` of `engine`, nil when
  /// `version` is older than every modelled one.
  public static func resolve(_ engine: EngineKind, _ version: EngineVersion) -> EngineRelease? {
    guard let oldest = modelled(engine).first, oldest <= version else { return nil }
    return EngineRelease(engine, version)
  }

  /// Whether this is the newest modelled release of its engine.
  public var isNewest: Bool { version == Self.modelled(engine).last }

  /// "vllm 0.8".
  public var description: String { "\(engine.rawValue) \(version)" }
}
