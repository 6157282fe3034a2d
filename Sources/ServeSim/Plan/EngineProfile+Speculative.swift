extension EngineProfile {
  /// The profile of an engine that runs `speculative` decoding: SGLang
  /// 0.5.5 turns its overlap scheduler off for EAGLE/NEXTN speculation
  /// unless the beta spec v2 is enabled (`ServerArgs._handle_speculative_decoding`,
  /// sglang/srt/server_args.py: `disable_overlap_schedule = True`).
  public func speculating(_ speculative: SpeculativeDecoding?) -> EngineProfile {
    guard speculative != nil, engine == .sglang else { return self }
    var profile = self
    profile.overlapsScheduling = false
    return profile
  }
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
