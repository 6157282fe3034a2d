extension EngineProfile {
  /// The profile of an engine that runs `speculative` decoding: SGLang
  /// 0.5.5 turns its overlap scheduler off for EAGLE/NEXTN speculation
  /// unless the beta spec v2 is enabled (`ServerArgs._handle_speculative_decoding`,
  /// sglang/srt/server_args.py: `disable_overlap_schedule = True`), and its
  /// speculative step's host work per request shows
  /// (`sglangSpeculativeSequenceUs`).
  ///
  /// vLLM 0.14 keeps async scheduling for EAGLE and MTP and turns it off for
  /// any other speculation (`VllmConfig.__post_init__`, vllm/config/vllm.py,
  /// 0.14.0). A draft model is the only other method modelled, and 0.14's V1
  /// engine does not run one (`SpeculativeConfig` raises NotImplementedError
  /// for `draft_model`; `export` notes it): such a plan is simulated without
  /// the overlap, as vLLM would configure it if it ran.
  public func speculating(_ speculative: SpeculativeDecoding?) -> EngineProfile {
    if engine == .vllm, let speculative, speculative.method == .draft {
      var profile = self
      profile.overlapsScheduling = false
      return profile
    }
    guard speculative != nil, engine == .sglang else { return self }
    var profile = self
    profile.overlapsScheduling = false
    profile.speculativeSequenceUs = Self.sglangSpeculativeSequenceUs
    return profile
  }

  /// Host time per request of an SGLang speculative decoding step, in
  /// microseconds, on the step's critical path. Without the overlap
  /// scheduler nothing hides the Python work between a step's kernels, and
  /// the EAGLE worker does some of it per request and per accepted token:
  /// the verify reads the accepted indices back (`accept_index.tolist()`,
  /// a device synchronisation), then for each request appends and checks
  /// every accepted token and slices its row of the accept index
  /// (`EagleVerifyInput.verify`, sglang/srt/speculative/eagle_info.py,
  /// 0.5.5), before the scheduler's own per-request result processing and
  /// streaming (`process_batch_result_decode`, `stream_output`), which
  /// plain decoding runs under the next batch. The InferenceMAX MTP rows
  /// show it: their decode steps exceed the model's by about 0.25 ms per
  /// request from 16 to 64 clients on H200 and on B200, while the same
  /// servers without MTP fit. Fitted on the calibration part of the SGLang
  /// MTP rows (0, 50, 100, 150, 200, 250, 300 us tried; median |error| of
  /// those rows 19.7, 18.8, 18.8, 18.9, 19.7, 20.2, 21.1%; the held-out
  /// rows 28.0% at 0, 15.2% at 100), with the MTP acceptance (0.6, refitted
  /// alongside: 0.55 and 0.65 fit worse) unchanged.
  public static let sglangSpeculativeSequenceUs = 100.0
}

extension EngineProfile {
  /// The running-request limit an engine sets for speculative decoding when
  /// the user sets none: SGLang 0.5.5 resets `max_running_requests` to 48
  /// for EAGLE/NEXTN/STANDALONE (`ServerArgs._handle_speculative_decoding`,
  /// sglang/srt/server_args.py). nil: the engine's usual default.
  public static func speculativeMaxRunning(_ engine: EngineKind, _ speculative: SpeculativeDecoding?)
    -> Int?
  {
    speculative != nil && engine == .sglang ? 48 : nil
  }
}
