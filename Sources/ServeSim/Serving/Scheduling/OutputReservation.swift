/// How an engine reserves KV-cache room for the output tokens requests have
/// still to produce when it admits new ones.
struct OutputReservation: Sendable, Equatable {
  /// The share of a request's remaining output tokens reserved (SGLang's
  /// `new_token_ratio`; 1 for TensorRT-LLM's `GUARANTEED_NO_EVICT`).
  var ratio: Double
  /// Most output tokens counted per request (SGLang's
  /// `CLIP_MAX_NEW_TOKENS_ESTIMATION`, 4096; unbounded for TensorRT-LLM).
  var clip: Int32

  /// Tokens reserved for `request`'s remaining outputs, at `ratio`.
  func remaining(_ request: RequestRecord) -> Double {
    Double(min(request.outputTokens - request.generated, clip)) * ratio
  }

  /// Tokens a new request needs beside its prompt: its whole (clipped) output,
  /// not scaled by the ratio (SGLang's `PrefillAdder.add_one_req`).
  func admission(_ request: RequestRecord) -> Double {
    Double(min(request.outputTokens - request.generated, clip))
  }
}
