import ServeSim

extension ValidationSuite {
  /// The MTP speculation every InferenceMAX `spec_decoding = mtp` row
  /// replays: one acceptance model for all rows, never one per row. The
  /// CSV gives neither k nor the acceptance.
  ///
  /// k = 3: SGLang's default for DeepSeek-V3/R1 when no
  /// `--speculative-num-steps` is given (`auto_choose_speculative_params`,
  /// sglang/srt/server_args.py, 0.5.5 and 0.5.12 wheels: (steps, topk, draft
  /// tokens) = (3, 1, 4)), and the `num_nextn_predict_layers: 3` of
  /// TensorRT-LLM's DeepSeek-R1 MTP recipes (examples/models/core/
  /// deepseek_v3/README.md, 1.0).
  ///
  /// Acceptance 0.6 per draft given the ones before it (mean accepted length
  /// 1 + 0.6 + 0.6² + 0.6³ = 2.18), fitted once to the calibration part of
  /// these rows (a grid of 0.5 to 0.85; held-out rows not used). The
  /// DeepSeek-V3 technical report's 85-90% for the second token (arXiv
  /// 2412.19437, §5.4.3; the shipped plan's figure) replays these rows 30%
  /// too fast: InferenceMAX sends random-token prompts, and k = 3 chains the
  /// one MTP layer, which was trained for one step.
  ///
  /// SGLang (0.5.5, 0.5.9 and 0.5.12 `ServerArgs._handle_speculative_decoding`)
  /// resets `max_running_requests` to 48 under EAGLE/NEXTN when it is not
  /// given, but InferenceMAX's SGLang MTP runs never ran under 48: on H200
  /// at concurrency 64 their TTFT p50 is 0.25 s (1K prompts) and 0.6 s (8K),
  /// where 16 queued clients would wait for whole requests (tens of
  /// seconds), and the B200 runs at concurrency 512 wait either about 2.5 s
  /// or about one request's length (100 s), not ten. Their launch commands
  /// set the limit (not in the CSV), so the replay keeps the engine's limit
  /// without speculation (`ValidationExperiment.setsMaxRunning`).
  ///
  /// Each request's acceptance spreads around 0.6 with a standard deviation
  /// of 0.2 in logits (`SpeculativeDecoding.acceptanceSpread`: 0.55 to 0.65
  /// for most requests, 0.49 to 0.70 for 98% of them). These rows' TPOT
  /// p99/p50 is 1.16-1.37 with MTP (median by engine, layout and load),
  /// 1.01-1.07 without; one rate for every request replayed them at
  /// 1.04-1.17. Fitted on the calibration part of the MTP rows' TPOT
  /// figures (mean, p50, p90, p99; median |error| 17.0, 15.7, 15.4, 16.1
  /// and 17.1% at spreads 0, 0.1, 0.2, 0.3 and 0.4; held out 14.3, 12.9,
  /// 13.9, 14.5 and 16.9%), with the acceptance refitted alongside (0.55
  /// and 0.65: 17.9 and 16.0%).
  static let inferenceMaxMTP = SpeculativeDecoding(
    method: .mtp, tokens: 3, acceptance: [0.6, 0.6, 0.6], acceptanceSpread: 0.2)
}
