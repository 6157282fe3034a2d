/// How an engine decides the size of its KV cache from device memory.
public enum MemoryAccounting: String, Sendable, CaseIterable {
  /// vLLM (0.8.5 V1 `Worker.determine_available_memory`,
  /// vllm/v1/worker/gpu_worker.py): the engine may use
  /// `gpu_memory_utilization` of the driver's total; a profiling run measures
  /// the peak of weights plus activations of a `max_num_batched_tokens`
  /// forward pass, and memory outside PyTorch (CUDA context, NCCL) is
  /// subtracted too; the rest is KV cache. MindIE budgets the same way.
  case profiled
  /// SGLang (0.4.9 `ModelRunner.profile_max_num_token`,
  /// sglang/srt/model_executor/model_runner.py): `mem_fraction_static` of the
  /// total covers weights and the KV pool only; the KV pool is what is left of
  /// that fraction after the weights are loaded. Activations, CUDA graphs and
  /// the context live in the reserved remainder.
  case staticFraction
  /// TensorRT-LLM (`KvCacheConfig.free_gpu_memory_fraction`,
  /// tensorrt_llm/llmapi/llm_args.py): the KV cache takes that fraction of the
  /// memory still free after the weights, activation buffers and runtime are
  /// allocated.
  case freeFraction
}

extension EngineKind {
  /// How the engine sizes its KV cache.
  public var memoryAccounting: MemoryAccounting {
    switch self {
    // llama.cpp allocates weights, its KV cache of `--ctx-size` tokens and
    // compute buffers; the simulator caps the cache at that size
    // (`LlamaCppOptions.kvTokens`) within the device's memory.
    case .vllm, .mindie, .llamacpp: .profiled
    case .sglang: .staticFraction
    case .trtllm: .freeFraction
    }
  }
}
