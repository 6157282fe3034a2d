import ServeSim

/// What a plan's `engine` key says: the release and the options its mapping
/// form may carry (`NodeReader.engine(_:default:)`).
struct EngineOptions {
  var release: EngineRelease
  /// `custom_all_reduce` (true when unset; `PlanSpec.customAllReduce`).
  var customAllReduce = true
  /// A llama.cpp engine's `llama-server` options (nil for other engines).
  var llamacpp: LlamaCppOptions?
  /// SGLang's `scheduler_recv_interval` (1 when unset).
  var recvInterval = 1
  /// `cuda_graph_max_batch` (nil when unset; `PlanSpec.cudaGraphMaxBatch`).
  var cudaGraphMaxBatch: Int?
  /// `tokenize_us_per_token` (nil when unset; `PlanSpec.tokenizeUsPerToken`).
  var tokenizeUsPerToken: Double?
}
