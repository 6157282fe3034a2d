/// The plan's CUDA-graph limit (`engine: {cuda_graph_max_batch: N}`).
extension PlanSpec {
  /// Issues with `cudaGraphMaxBatch`: the engine release must replay decode
  /// in graphs (vLLM, SGLang, TensorRT-LLM from 1.0's PyTorch backend; not
  /// TensorRT-LLM 0.19's engine flow, MindIE or llama.cpp as modelled), and
  /// the limit must be at least 1.
  func validateGraphs() -> [PlanIssue] {
    guard let limit = cudaGraphMaxBatch else { return [] }
    let key = "engine.cuda_graph_max_batch"
    guard limit >= 1 else {
      return [PlanIssue(.plan, key, "\(limit) is not a batch size; valid: 1 or more (or leave it out)")]
    }
    let profile = EngineProfile.of(
      engine, version: engineVersion, device: cluster.device, parallelism: parallelism)
    guard profile.graphsForDecode else {
      return [
        PlanIssue(
          .plan, key,
          "\(release) as modelled replays no CUDA graphs (its decode steps run eagerly); valid: leave it out, or an engine that captures graphs (vllm, sglang, trtllm 1.0 and later)"
        )
      ]
    }
    return []
  }
}
