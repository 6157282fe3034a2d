/// The `llama-server` options a plan with `engine: llamacpp` sets
/// (`engine: {name: llamacpp, parallel: 2, ctx_size: 4096, batch_size: 2048,
/// ubatch_size: 512, threads: 8, kv_unified: false}`).
///
/// Read from llama.cpp as vendored by llama-cpp-python 0.3.36 (llama.cpp
/// commit 0c1e57098, CHANGELOG.md of the sdist): defaults from
/// `common/common.h` (`common_params`) and `common/arg.cpp`, the server's
/// own in `tools/server/server.cpp`, the slot context in
/// `src/llama-context.cpp` and `tools/server/server-context.cpp`.
public struct LlamaCppOptions: Sendable, Equatable {
  /// Server slots (`-np`, `--parallel`). The server's default is auto (-1,
  /// arg.cpp `LLAMA_EXAMPLE_SERVER`), which server.cpp turns into 4 slots
  /// with a unified KV cache.
  public var parallel: Int?
  /// Tokens of the KV cache of all slots together (`-c`, `--ctx-size`); 0
  /// (the default, common.h `n_ctx = 0`) takes the model's training context.
  /// llama.cpp then shrinks an unset context to the free memory
  /// (`llama_params_fit`, common.h `fit_params = true`, at least 4096
  /// tokens); that fit is not modelled: the KV cache is what the device has
  /// room for (`MemoryPlan.capToLlamaCpp`).
  public var ctxSize = 0
  /// Logical batch (`-b`, `--batch-size`): most tokens one `llama_decode`
  /// call takes, and the server's token budget per iteration (common.h
  /// `n_batch = 2048`).
  public var batchSize = 2048
  /// Physical batch (`-ub`, `--ubatch-size`): llama.cpp splits each decode
  /// call into micro-batches of at most this many tokens, one forward pass
  /// each (common.h `n_ubatch = 512`).
  public var ubatchSize = 512
  /// CPU threads of the forward pass (`-t`, `--threads`); nil: the default,
  /// `common_cpu_get_num_math()` (common.cpp), the physical cores (on hybrid
  /// x86 CPUs, the performance cores): the device's `compute_units`.
  public var threads: Int?
  /// One KV buffer shared by all slots (`-kvu`, `--kv-unified`); nil: the
  /// server's default, on when the slot count is auto, else off (arg.cpp,
  /// server.cpp).
  public var kvUnified: Bool?

  public init() {}

  /// The slot count the server runs: `parallel`, else 4 (server.cpp: "n_parallel
  /// is set to auto, using n_parallel = 4 and kv_unified = true").
  public var slots: Int { parallel ?? 4 }

  /// Whether the KV cache is unified: as given, else on exactly when the
  /// slot count is auto.
  public var unified: Bool { kvUnified ?? (parallel == nil) }

  /// llama.cpp's `GGML_PAD(x, 256)`: `x` rounded up to a multiple of 256.
  public static func pad256(_ x: Int) -> Int { (x + 255) / 256 * 256 }

  /// The KV cache's size in tokens for a model trained to `trainContext`
  /// tokens: llama-context.cpp pads `n_ctx` to 256 (`cparams.n_ctx =
  /// GGML_PAD(cparams.n_ctx, 256)`); 0 takes the training context.
  public func contextTokens(trainContext: Int) -> Int {
    Self.pad256(ctxSize > 0 ? ctxSize : trainContext)
  }

  /// The context of one slot, in tokens (server-context.cpp `n_ctx_slot()`):
  /// llama-context.cpp's `n_ctx_seq`, the whole cache when unified, else
  /// `GGML_PAD(n_ctx / n_parallel, 256)`; capped by the training context.
  public func slotContext(trainContext: Int) -> Int {
    let total = contextTokens(trainContext: trainContext)
    let perSlot = unified ? total : Self.pad256(total / max(slots, 1))
    return min(perSlot, trainContext)
  }

  /// Tokens of KV cache the server allocates: the unified buffer, or one
  /// stream of `slotContext` per slot.
  public func kvTokens(trainContext: Int) -> Int {
    unified
      ? contextTokens(trainContext: trainContext)
      : Self.pad256(contextTokens(trainContext: trainContext) / max(slots, 1)) * max(slots, 1)
  }

  /// What the server does with a request of `prompt` prompt tokens that asks
  /// for `output` tokens in a slot of `slotContext` tokens
  /// (server-context.cpp, llama.cpp 0c1e57098):
  /// - a prompt of at least the slot's context is refused ("request (N
  ///   tokens) exceeds the available context size", ERROR_TYPE_EXCEED_CONTEXT_SIZE):
  ///   nil;
  /// - otherwise the output stops once the slot's tokens plus one reach its
  ///   context (`prompt.n_tokens() + 1 >= n_ctx` when the k-th token is
  ///   sampled with prompt + k − 1 tokens in the cache; context shift is off
  ///   by default, common.h `ctx_shift = false`: "stopped due to running out
  ///   of context capacity", finish reason length): at most
  ///   `slotContext − prompt` output tokens.
  public static func admittedOutput(prompt: Int, output: Int, slotContext: Int) -> Int? {
    guard prompt < slotContext else { return nil }
    return min(output, slotContext - prompt)
  }
}

extension LlamaCppOptions {
  /// `device` as the server uses it with `threads` threads: ggml's CPU backend
  /// splits each operator's rows over the threads (ggml-cpu.c
  /// `ggml_graph_compute_thread`), so fewer threads than the device's cores
  /// (`compute_units`) get that share of its compute peaks; more threads than
  /// cores gain nothing. Memory bandwidth is kept: a few cores already
  /// stream most of a desktop's DRAM bandwidth (a measured per-thread
  /// figure would refine this). Measured kernels (a calibration) are kept too.
  public func scaled(_ device: DeviceSpec) -> DeviceSpec {
    guard let threads, device.computeUnits > 0, threads < device.computeUnits else { return device }
    var out = device
    let share = Double(threads) / Double(device.computeUnits)
    out.peakTFLOPS = device.peakTFLOPS.mapValues { $0 * share }
    return out
  }
}

extension LlamaCppOptions {
  /// The server options that run `scheduler` (a search's candidate): its
  /// `max_num_seqs` slots, its token budget as `--batch-size` (and
  /// `--ubatch-size` at most 512, the default), separate slot caches of
  /// 4096 tokens each (common.h `fit_params_min_ctx`, the context
  /// llama.cpp's memory fit keeps at least; the training context of a
  /// Llama-3.2-1B would ask for 4 GB of KV cache a slot).
  public static func matching(_ scheduler: SchedulerConfig) -> LlamaCppOptions {
    var o = LlamaCppOptions()
    o.parallel = scheduler.maxNumSeqs
    o.batchSize = scheduler.maxNumBatchedTokens
    o.ubatchSize = min(o.ubatchSize, o.batchSize)
    o.kvUnified = false
    o.ctxSize = 4096 * scheduler.maxNumSeqs
    return o
  }
}
