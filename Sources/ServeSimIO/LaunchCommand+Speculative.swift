import ServeSim

/// The plan's speculative decoding on each engine's command line; flag names
/// and values checked against the wheels (Fixtures/engine-flags) and the
/// engines' config modules:
/// - vLLM 0.11.0 `--speculative-config` JSON, `method` "mtp" (vllm/config/
///   speculative.py: "deepseek_mtp" is deprecated for "mtp"), "eagle" with
///   the head's `model`; V1 has no draft-model proposer. vLLM 0.8.5: the
///   same flag, MTP by `num_speculative_tokens` alone for a DeepSeek-V3
///   target (vllm/config.py `SpeculativeConfig.__post_init__`), a draft
///   model by `model`. vLLM 0.6.6: `--speculative-model` and
///   `--num-speculative-tokens`, no MTP.
/// - SGLang 0.5.5 and 0.4.9: `--speculative-algorithm` (NEXTN for MTP,
///   which 0.5.5 runs as EAGLE: `ServerArgs._handle_speculative_decoding`;
///   EAGLE; STANDALONE for a draft model, 0.5.5 only),
///   `--speculative-num-steps k --speculative-eagle-topk 1
///   --speculative-num-draft-tokens k+1` (a chain: topk 1 makes the draft
///   tokens steps + 1).
/// - TensorRT-LLM 1.0: `speculative_config: {decoding_type: MTP,
///   num_nextn_predict_layers: k}` in the LLM API options (PyTorch backend,
///   docs/source/advanced/speculative-decoding.md), `Eagle` with
///   `max_draft_len` and `speculative_model_dir`.
extension LaunchCommand {
  /// Adds the speculative decoding settings of `plan` for `engine` to the
  /// command's `lines`, the TensorRT-LLM options file's `preamble` (before
  /// its closing EOF) and `notes`.
  static func speculative(
    _ plan: PlanSpec, engine: ExportEngine, version: EngineVersion, _ lines: inout [String],
    _ preamble: inout [String], _ notes: inout [String]
  ) {
    guard let spec = plan.speculative else { return }
    let k = spec.tokens
    let draftPath = spec.draftModel.map { repositories[$0.name] ?? $0.name } ?? "DRAFT_MODEL"
    switch engine {
    case .vllm:
      if version < EngineVersion(0, 8) {
        if spec.method == .mtp {
          notes.append("vLLM \(version) has no MTP speculative decoding; use vLLM 0.8 or later")
          return
        }
        lines.append("--speculative-model \(draftPath) --num-speculative-tokens \(k)")
      } else {
        let json: String
        switch spec.method {
        case .mtp:
          json =
            version >= EngineVersion(0, 11)
            ? "{\"method\": \"mtp\", \"num_speculative_tokens\": \(k)}"
            : "{\"num_speculative_tokens\": \(k)}"
        case .eagle:
          json = "{\"method\": \"eagle\", \"model\": \"EAGLE_HEAD\", \"num_speculative_tokens\": \(k)}"
          notes.append("EAGLE_HEAD: the path of the EAGLE head trained for \(plan.model.name)")
        case .draft:
          if version >= EngineVersion(0, 11) {
            notes.append(
              "vLLM \(version)'s V1 engine has no draft-model proposer; use EAGLE, MTP or vLLM 0.8 (V0)")
            return
          }
          json = "{\"model\": \"\(draftPath)\", \"num_speculative_tokens\": \(k)}"
        }
        lines.append("--speculative-config '\(json)'")
      }
    case .sglang:
      let algorithm: String
      switch spec.method {
      case .mtp: algorithm = "NEXTN"
      case .eagle:
        algorithm = "EAGLE --speculative-draft-model-path EAGLE_HEAD"
        notes.append("EAGLE_HEAD: the path of the EAGLE head trained for \(plan.model.name)")
      case .draft:
        guard version >= EngineVersion(0, 5) else {
          notes.append("SGLang \(version) has no draft-model speculation (STANDALONE came in 0.5)")
          return
        }
        algorithm = "STANDALONE --speculative-draft-model-path \(draftPath)"
      }
      lines.append(
        "--speculative-algorithm \(algorithm) --speculative-num-steps \(k) --speculative-eagle-topk 1 --speculative-num-draft-tokens \(k + 1)"
      )
    case .trtllm:
      guard version >= EngineVersion(1, 0), spec.method != .draft else {
        notes.append(
          "TensorRT-LLM \(version) is not exported with \(spec.method.rawValue) speculative decoding; use 1.0's PyTorch backend with MTP or EAGLE"
        )
        return
      }
      var options = ["speculative_config:"]
      if spec.method == .mtp {
        options += ["  decoding_type: MTP", "  num_nextn_predict_layers: \(k)"]
      } else {
        options += ["  decoding_type: Eagle", "  max_draft_len: \(k)", "  speculative_model_dir: EAGLE_HEAD"]
        notes.append("EAGLE_HEAD: the path of the EAGLE head trained for \(plan.model.name)")
      }
      let end = preamble.lastIndex(of: "EOF") ?? preamble.endIndex
      preamble.insert(contentsOf: options, at: end)
    case .llamacpp:
      notes.append(
        "llama-server's draft-model speculation (--model-draft, --draft-max) is not exported; the plan's speculative decoding is left out"
      )
    }
  }
}
