import Foundation

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
  /// logit p_i for i = 1...k (+∞ for a rate of 1).
  let logits: [Double]
  /// The spread of the acceptance between requests, in logits
  /// (`SpeculativeDecoding.acceptanceSpread`; 0: every request has p_i).
  let spread: Double
  /// The seed of the requests' acceptance levels: one per simulation, so a
  /// request has the same level on whichever scheduler verifies its drafts.
  let levelSeed: UInt64
  private var random: SplitMix64

  init(_ spec: SpeculativeDecoding, seed: UInt64, scheduler: Int, policy: SchedulingPolicy) {
    drafts = spec.tokens
    survival = spec.survival
    releasesRejected = policy == .sglang
    logits = spec.acceptance.prefix(spec.tokens).map { log($0 / (1 - $0)) }
    spread = spec.acceptanceSpread
    var levels = SplitMix64(seed: seed, stream: .acceptanceLevels)
    levelSeed = levels.next()
    random = SplitMix64(seed: seed &+ UInt64(scheduler) &* 0xD1B5_4A32_D192_ED03, stream: .speculation)
  }

  /// Draws the drafts accepted of `proposed` for request `id`: the longest
  /// prefix whose acceptances all succeed, with one uniform draw u (draft i
  /// is accepted when u < ∏_{j≤i} p_j, which has the chance of accepting
  /// drafts 1...i in turn). With a spread, p_j is the request's own rate,
  /// σ(logit p_j + spread · z_id).
  mutating func accepted(of proposed: Int, request id: Int) -> Int {
    let u = random.nextUnit()
    var n = 0
    guard spread > 0 else {
      while n < proposed && u < survival[n] { n += 1 }
      return n
    }
    let shift = spread * Self.level(seed: levelSeed, request: id)
    var product = 1.0
    while n < proposed {
      product /= 1 + exp(-(logits[n] + shift))
      guard u < product else { break }
      n += 1
    }
    return n
  }

  /// Request `id`'s acceptance level z ~ N(0, 1), a function of the seed and
  /// the request alone (Box–Muller on two uniforms of the request's own
  /// generator), so no per-request state is kept.
  static func level(seed: UInt64, request id: Int) -> Double {
    var g = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: id) &* 0xBF58_476D_1CE4_E5B9))
    let radius = (-2 * log(g.nextOpenUnit())).squareRoot()
    return radius * cos(2 * Double.pi * g.nextUnit())
  }
}
