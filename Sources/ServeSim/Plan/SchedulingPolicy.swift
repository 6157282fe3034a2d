/// The replica scheduler's batching policy.
public enum SchedulingPolicy: String, Sendable, CaseIterable {
  /// vLLM's scheduler with chunked prefill: decodes first, then partial prefills,
  /// then new requests, under a token budget.
  case vllm
  /// Sarathi-Serve (Agrawal et al., OSDI 2024): stall-free batching, the same
  /// order as vLLM's chunked prefill, with at most one prefill chunk in flight
  /// per iteration budget.
  case sarathi
  /// Orca (Yu et al., OSDI 2022): iteration-level batching without chunking; a
  /// prompt is prefilled whole in one iteration.
  case orca
  /// Request-level (static) batching: a batch is formed from the waiting queue
  /// and runs until all of its requests finish, as pre-Orca servers did.
  case `static`
  /// SGLang's scheduler (0.4.9 `Scheduler.get_next_batch_to_run`,
  /// sglang/srt/managers/scheduler.py): a prefill batch runs whenever one can
  /// be formed, decodes wait (no mixed batches by default); new requests are
  /// admitted only while the KV pool keeps room for the outputs still to come,
  /// estimated by the decaying new-token ratio (`PrefillAdder`).
  case sglang
  /// TensorRT-LLM's in-flight batching with chunked context and the
  /// `GUARANTEED_NO_EVICT` capacity scheduler: mixed batches as vLLM's, but a
  /// request is admitted only when the KV cache can hold every running
  /// request to its last token, so nothing is ever evicted.
  case trtllm
}
