/// What a serving engine brings to a plan: its scheduler defaults and the fixed
/// costs of one iteration that are not kernels.
///
/// Defaults follow each engine's documented settings for an online server on an
/// 80 GB-class device. The CPU overheads are estimates marked (u): starting
/// values for calibration (issue "microbenchmark runner"), not measurements.
public struct EngineProfile: Sendable, Equatable {
  public var engine: EngineKind
  public var policy: SchedulingPolicy
  public var maxNumSeqs: Int
  public var maxNumBatchedTokens: Int
  public var chunkedPrefill: Bool
  public var blockSize: Int
  public var memoryUtilization: Double
  /// Whether decode-only iterations replay a captured graph (CUDA graphs), so
  /// each kernel costs `DeviceSpec.graphKernelUs` instead of a launch.
  public var graphsForDecode: Bool
  /// Largest decode batch that is captured in a graph.
  public var graphMaxBatch: Int
  /// CPU time per iteration on the critical path (scheduling, input preparation,
  /// output processing), in microseconds.
  public var iterationOverheadUs: Double
  /// Extra CPU time per sequence in the batch, in microseconds.
  public var perSequenceOverheadUs: Double

  /// The profile of an engine.
  public static func of(_ engine: EngineKind) -> EngineProfile {
    switch engine {
    case .vllm:
      // vLLM 0.8 (V1 engine) EngineArgs for the OpenAI server: max_num_seqs 256,
      // max_num_batched_tokens 8192, block_size 16, gpu_memory_utilization 0.9,
      // chunked prefill always on; CUDA graphs captured for decode batches up to
      // 512. CPU overhead (u): V1 without async scheduling runs schedule and
      // prepare_inputs between steps, about 0.5 ms plus a few us per sequence.
      EngineProfile(
        engine: .vllm, policy: .vllm, maxNumSeqs: 256, maxNumBatchedTokens: 8192,
        chunkedPrefill: true, blockSize: 16, memoryUtilization: 0.9, graphsForDecode: true,
        graphMaxBatch: 512, iterationOverheadUs: 500, perSequenceOverheadUs: 4)
    case .sglang:
      // SGLang 0.4 server_args: chunked_prefill_size 8192 on 80 GB GPUs,
      // page_size 1, mem_fraction_static about 0.88, cuda_graph_max_bs 160
      // (256 at larger TP); the overlap scheduler hides most CPU time (u).
      EngineProfile(
        engine: .sglang, policy: .vllm, maxNumSeqs: 1024, maxNumBatchedTokens: 8192,
        chunkedPrefill: true, blockSize: 1, memoryUtilization: 0.88, graphsForDecode: true,
        graphMaxBatch: 160, iterationOverheadUs: 150, perSequenceOverheadUs: 1)
    case .trtllm:
      // TensorRT-LLM trtllm-serve (0.19): max_batch_size 2048, max_num_tokens
      // 8192, tokens_per_block 32, free_gpu_memory_fraction 0.9, in-flight
      // batching with chunked context; C++ executor overhead is small (u).
      EngineProfile(
        engine: .trtllm, policy: .vllm, maxNumSeqs: 2048, maxNumBatchedTokens: 8192,
        chunkedPrefill: true, blockSize: 32, memoryUtilization: 0.9, graphsForDecode: true,
        graphMaxBatch: 512, iterationOverheadUs: 100, perSequenceOverheadUs: 1)
    case .mindie:
      // MindIE-Service 1.0 config.json on Ascend: maxBatchSize 200,
      // maxPrefillTokens 8192, cacheBlockSize 128, SplitFuse (chunked prefill)
      // off by default, so whole prompts are prefilled (Orca-style). Eager ATB
      // operators, no captured graph (u); host overhead about 1.5 ms (u).
      EngineProfile(
        engine: .mindie, policy: .orca, maxNumSeqs: 200, maxNumBatchedTokens: 8192,
        chunkedPrefill: false, blockSize: 128, memoryUtilization: 0.9, graphsForDecode: false,
        graphMaxBatch: 0, iterationOverheadUs: 1500, perSequenceOverheadUs: 6)
    }
  }

  /// The scheduler settings an engine uses when a plan sets none.
  public var defaultScheduler: SchedulerConfig {
    SchedulerConfig(
      policy: policy, maxNumSeqs: maxNumSeqs, maxNumBatchedTokens: maxNumBatchedTokens,
      chunkedPrefill: chunkedPrefill, blockSize: blockSize,
      memoryUtilization: memoryUtilization)
  }
}
