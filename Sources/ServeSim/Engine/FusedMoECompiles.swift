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
///
/// Keys whose tuned configs are equal share their kernels
/// (`FusedMoEConfigTable`), and besides `num_valid_tokens` the kernel's
/// padded length `EM` (tokens × top-k + (E + 1) × (`BLOCK_SIZE_M` - 1),
/// `moe_align_block_size`) is an integer argument Triton specialises.
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

  /// Tokens of the server's own warm-up prompt.
  public static let serverWarmupTokens = 7

  /// Experts each token is routed to.
  public let topK: Int
  /// The configs the kernel runs by batch size.
  public let table: FusedMoEConfigTable
  /// One bit per variant compiled (`variant(tokens:)`).
  private var compiled: UInt64 = 0

  /// A server that has captured graphs up to `graphMaxBatch` sequences of
  /// `tokensPerSequence` tokens (0: no graphs) and run its warm-up request,
  /// with the configs of `table`.
  public init(
    topK: Int, graphMaxBatch: Int, tokensPerSequence: Int = 1, speculative: Bool = false,
    table: FusedMoEConfigTable = .perTunedKey
  ) {
    self.topK = max(topK, 1)
    self.table = table
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

  /// The variant a batch of `tokens` tokens runs: its key's config, and
  /// whether `num_valid_tokens` (tokens × top-k, bit 0) and, where the
  /// table gives `BLOCK_SIZE_M`, the padded length `EM` (bit 1) are
  /// multiples of 16 (Triton's specialisation of integer arguments). Per
  /// tuned key (`FusedMoEConfigTable.perTunedKey`): 2 × key + bit 0.
  public func variant(tokens: Int) -> Int {
    let key = table.keyIndex(tokens: tokens)
    let valid = tokens * topK
    let validBit = valid % 16 == 0 ? 1 : 0
    guard key < table.blockM.count else { return 2 * table.configs[key] + validBit }
    let padded = valid + (table.experts + 1) * (table.blockM[key] - 1)
    return 4 * table.configs[key] + validBit + (padded % 16 == 0 ? 2 : 0)
  }

  private func bit(tokens: Int) -> UInt64 { UInt64(1) << UInt64(min(variant(tokens: tokens), 63)) }

  /// Whether a batch of `tokens` tokens compiles a new variant; marks it
  /// compiled.
  public mutating func compilesNew(tokens: Int) -> Bool {
    let b = bit(tokens: tokens)
    if compiled & b != 0 { return false }
    compiled |= b
    return true
  }
}
