/// The fused-MoE kernel variants a Triton engine has compiled, for engines
/// that compile them on first use (`EngineProfile.compilesFusedMoEPerShape`).
///
/// SGLang 0.5.5 runs a tensor-parallel MoE layer through its Triton fused MoE
/// kernel and picks the kernel's config (block sizes, group size, warps,
/// stages) by the batch's token count, as the tuned table's closest key
/// (`try_get_optimal_moe_config`,
/// srt/layers/moe/fused_moe_triton/fused_moe_triton_config.py, keys 1 ... 4096
/// in the shipped tables). Triton compiles a kernel for each config and for
/// each specialisation of its integer arguments: `num_valid_tokens` (tokens ×
/// top-k) divisible by 16 or not (Triton 3's default specialisation). A batch
/// whose variant was not compiled before waits for the compile
/// (`EngineProfile.coldStartMs`).
///
/// What the server compiled before serving is marked at the start: the CUDA
/// graphs it captures (`ServerArgs._generate_cuda_graph_batch_sizes`: 1, 2,
/// 4, 8, 12, then every 8 to 256, every 16 to 512, every 32 above; under
/// speculative decoding 1 to 8, even to 32, every 4 to 64, every 8 to 256,
/// every 16 above), each running `tokensPerSequence` tokens a sequence, and
/// the server's own warm-up request (`_execute_server_warmup`,
/// srt/entrypoints/http_server.py: "The capital city of France is", seven
/// tokens with the BOS token).
public struct FusedMoECompiles: Sendable, Equatable {
  /// Whether `plan`'s engine compiles fused-MoE variants on first use
  /// (`EngineProfile.compilesFusedMoEPerShape`): an MoE model without expert
  /// or attention data parallelism whose experts run the Triton fused MoE,
  /// not FlashInfer's (`SGLangBlackwellPaths.runsFlashInferMoE`).
  public static func apply(to plan: PlanSpec) -> Bool {
    EngineProfile.of(plan: plan).compilesFusedMoEPerShape && plan.model.moe != nil
      && plan.parallelism.expert <= 1 && plan.parallelism.attentionData <= 1
      && !SGLangBlackwellPaths.runsFlashInferMoE(plan: plan, device: plan.cluster.device)
  }

  /// Token counts the tuned config tables are keyed by.
  public static let tunedTokenCounts = [
    1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 1536, 2048, 3072, 4096,
  ]
  /// Tokens of the server's own warm-up prompt.
  public static let serverWarmupTokens = 7

  /// Experts each token is routed to.
  public let topK: Int
  /// One bit per variant compiled (`variant(tokens:)`).
  private var compiled: UInt64 = 0

  /// A server that has captured graphs up to `graphMaxBatch` sequences of
  /// `tokensPerSequence` tokens (0: no graphs) and run its warm-up request.
  public init(topK: Int, graphMaxBatch: Int, tokensPerSequence: Int = 1, speculative: Bool = false) {
    self.topK = max(topK, 1)
    for batch in Self.captureBatchSizes(upTo: graphMaxBatch, speculative: speculative) {
      compiled |= bit(tokens: batch * max(tokensPerSequence, 1))
    }
    compiled |= bit(tokens: Self.serverWarmupTokens)
  }

  /// The batch sizes SGLang 0.5.5 captures CUDA graphs for.
  public static func captureBatchSizes(upTo maxBatch: Int, speculative: Bool) -> [Int] {
    let sizes: [Int]
    if speculative {
      sizes =
        Array(1...8) + Array(stride(from: 10, through: 32, by: 2))
        + Array(stride(from: 40, through: 64, by: 4)) + Array(stride(from: 72, through: 256, by: 8))
        + Array(stride(from: 272, through: max(maxBatch, 272), by: 16))
    } else {
      sizes =
        [1, 2, 4, 8, 12] + Array(stride(from: 16, through: 256, by: 8))
        + Array(stride(from: 272, to: 512, by: 16))
        + Array(stride(from: 512, through: max(maxBatch, 512), by: 32))
    }
    return sizes.filter { $0 <= maxBatch }
  }

  /// The variant a batch of `tokens` tokens runs: the closest tuned key (the
  /// smaller on a tie, as Python's `min` keeps the first), and whether
  /// tokens × top-k is a multiple of 16.
  public func variant(tokens: Int) -> Int {
    var best = 0
    for i in 1..<Self.tunedTokenCounts.count
    where abs(Self.tunedTokenCounts[i] - tokens) < abs(Self.tunedTokenCounts[best] - tokens) {
      best = i
    }
    return 2 * best + ((tokens * topK) % 16 == 0 ? 1 : 0)
  }

  private func bit(tokens: Int) -> UInt64 { UInt64(1) << UInt64(variant(tokens: tokens)) }

  /// Whether a batch of `tokens` tokens compiles a new variant; marks it
  /// compiled.
  public mutating func compilesNew(tokens: Int) -> Bool {
    let b = bit(tokens: tokens)
    if compiled & b != 0 { return false }
    compiled |= b
    return true
  }
}
