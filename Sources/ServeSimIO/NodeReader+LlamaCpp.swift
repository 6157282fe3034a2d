import ServeSim

extension NodeReader {
  /// Keys of `engine: {name: llamacpp, ...}` beside `name` and `version`.
  static let llamaCppKeys = ["parallel", "ctx_size", "batch_size", "ubatch_size", "threads", "kv_unified"]

  /// The `llama-server` options of an engine mapping (nil when it names
  /// another engine; an error when such an engine sets one of them).
  func llamaCppOptions() throws(ConfigError) -> LlamaCppOptions? {
    let given = Self.llamaCppKeys.filter { has($0) }
    guard try string("name") == EngineKind.llamacpp.rawValue else {
      if let key = given.first {
        throw fail(key, "'\(key)' is a llama.cpp option; valid only with name: llamacpp")
      }
      return nil
    }
    var o = LlamaCppOptions()
    if has("parallel") { o.parallel = try int("parallel", min: 1, max: 4096) }
    o.ctxSize = try int("ctx_size", default: 0, min: 0, max: 1 << 24)
    o.batchSize = try int("batch_size", default: o.batchSize, min: 1, max: 1 << 20)
    o.ubatchSize = try int("ubatch_size", default: o.ubatchSize, min: 1, max: 1 << 20)
    if has("threads") { o.threads = try int("threads", min: 1, max: 4096) }
    if has("kv_unified") { o.kvUnified = try bool("kv_unified") }
    // common/common.cpp `common_context_params_to_llama`/llama-context.cpp:
    // n_ubatch = min(n_batch, n_ubatch).
    o.ubatchSize = min(o.ubatchSize, o.batchSize)
    return o
  }
}
