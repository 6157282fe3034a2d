import ServeSim

extension ValidationSuite {
  /// The MTP speculation every InferenceMAX `spec_decoding = mtp` row
  /// replays (one acceptance model for all rows, never fitted per row).
  /// The CSV gives neither k nor the acceptance. k = 3: SGLang 0.5.5's
  /// default for DeepSeek-V3/R1 when no `--speculative-num-steps` is given
  /// (`auto_choose_speculative_params`, sglang/srt/server_args.py: (steps,
  /// topk, draft tokens) = (3, 1, 4)), and the `num_nextn_predict_layers: 3`
  /// of TensorRT-LLM's DeepSeek-R1 MTP recipes (examples/models/core/
  /// deepseek_v3/README.md, 1.0). Acceptance 0.85 per draft given the ones
  /// before: the low end of the DeepSeek-V3 technical report's 85-90%
  /// acceptance of the second token (arXiv 2412.19437, §5.4.3), kept for
  /// the later drafts.
  static let inferenceMaxMTP = SpeculativeDecoding(
    method: .mtp, tokens: 3, acceptance: [0.85, 0.85, 0.85])
}
