/// One scheduler's speculative decoding: how many drafts each decode step
/// verifies, the chance that a prefix of them is accepted, and its own
/// random stream (the same seed draws the same acceptances).
///
/// KV blocks follow the engines: every engine allocates the verified
/// positions before the step (vLLM 0.11 V1 `Scheduler.schedule`,
/// vllm/v1/core/sched/scheduler.py: `allocate_slots(num_new_tokens = 1 + k,
/// num_lookahead_tokens = k)` for EAGLE/MTP); after it, SGLang frees the
/// slots of the rejected drafts (0.5.5 `EagleVerifyInput.verify`,
/// sglang/srt/speculative/eagle_info.py: `token_to_kv_pool_allocator.free(
/// batch.out_cache_loc[evict_mask])`), while vLLM only winds
/// `num_computed_tokens` back by the rejected drafts and keeps the blocks
/// for the next step (`update_from_output`) and TensorRT-LLM keeps the
/// request's draft slots reserved.
struct Speculation: Sendable {
  /// Draft tokens per step, k.
  let drafts: Int
  /// ∏_{j≤i} p_j for i = 1...k: the chance that drafts 1...i are accepted.
  let survival: [Double]
  /// Whether the blocks of rejected drafts go back to the pool after the step (SGLang).
  let releasesRejected: Bool
  private var random: SplitMix64

  init(_ spec: SpeculativeDecoding, seed: UInt64, scheduler: Int, policy: SchedulingPolicy) {
    drafts = spec.tokens
    survival = spec.survival
    releasesRejected = policy == .sglang
    random = SplitMix64(seed: seed &+ UInt64(scheduler) &* 0xD1B5_4A32_D192_ED03, stream: .speculation)
  }

  /// Draws the drafts accepted of `proposed`: the longest prefix whose
  /// acceptances all succeed, with one uniform draw u (draft i is accepted
  /// when u < ∏_{j≤i} p_j, which has the chance of accepting drafts 1...i in
  /// turn).
  mutating func accepted(of proposed: Int) -> Int {
    let u = random.nextUnit()
    var n = 0
    while n < proposed && u < survival[n] { n += 1 }
    return n
  }
}
