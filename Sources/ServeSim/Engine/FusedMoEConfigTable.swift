/// The kernel configs SGLang's Triton fused MoE runs by batch size, as far as
/// they decide what Triton compiles (`FusedMoECompiles`).
///
/// `try_get_optimal_moe_config` (SGLang 0.5.5,
/// srt/layers/moe/fused_moe_triton/fused_moe_triton_config.py) loads the
/// tuned table named by the local experts E, the intermediate width N per
/// rank, the device name and the weight type (`get_moe_configs`), and runs a
/// batch of M tokens with the config of the closest key. Triton caches a
/// compiled kernel by its constexpr arguments (the config's block sizes,
/// group size, warps and stages) and by the specialisation of its integer
/// arguments, so keys that share a config share their kernels. The table
/// file is looked up in the directory of the installed Triton version, then
/// in the older ones (`supported_triton_versions`): SGLang 0.5.5 pins torch
/// 2.8.0 (Triton 3.4.0) and 0.4.9 torch 2.7.1 (Triton 3.3.1). With no table
/// file the kernel runs `get_default_config`: one config for block-scaled
/// fp8, and one each side of M = E for the other weight types.
public struct FusedMoEConfigTable: Sendable, Equatable {
  /// Token counts the table is keyed by, ascending.
  public let keys: [Int]
  /// For each key, the index of its config among the table's distinct
  /// configs.
  public let configs: [Int]
  /// For each key, its config's `BLOCK_SIZE_M` (rows a program computes),
  /// which pads the kernel's `EM` argument; empty when the padded length is
  /// not counted (`perTunedKey`).
  public let blockM: [Int]
  /// The experts `moe_align_block_size` pads for (E, the local experts).
  public let experts: Int

  /// A table with `configs` and `blockM` per key.
  public init(keys: [Int], configs: [Int], blockM: [Int], experts: Int) {
    self.keys = keys
    self.configs = configs
    self.blockM = blockM
    self.experts = experts
  }

  /// Each key of SGLang's usual tuning grid its own config, and only
  /// `num_valid_tokens` specialised: the count that ROCm's fitted compile
  /// time (`EngineProfile.sglangROCmColdStartMs`) was fitted with. SGLang on
  /// ROCm runs DeepSeek's experts through AMD's aiter kernels when launched
  /// with `SGLANG_USE_AITER=1`, whose first-use work the Triton tables do not
  /// describe.
  public static let perTunedKey = FusedMoEConfigTable(
    keys: tunedTokenCounts, configs: Array(tunedTokenCounts.indices), blockM: [], experts: 0)

  /// Token counts SGLang's tuned tables are keyed by.
  public static let tunedTokenCounts = [
    1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 1536, 2048, 3072, 4096,
  ]

  /// The index of the key closest to `tokens` (the smaller on a tie, as
  /// Python's `min` keeps the first).
  public func keyIndex(tokens: Int) -> Int {
    var best = 0
    for i in 1..<keys.count where abs(keys[i] - tokens) < abs(keys[best] - tokens) { best = i }
    return best
  }

  /// The table SGLang `version` loads for `experts` local experts of
  /// intermediate width `width` per rank on `device` with `weights`.
  public static func sglang(
    version: EngineVersion, device: DeviceSpec, experts: Int, width: Int, weights: DType,
    blockScaled: Bool
  ) -> FusedMoEConfigTable {
    if device.platform != .cuda { return perTunedKey }
    let newer = version >= EngineVersion(0, 5)
    if weights == .fp8, blockScaled,
      let tuned = shipped(device: device, experts: experts, width: width, newer: newer)
    {
      return FusedMoEConfigTable(
        keys: tunedTokenCounts, configs: tuned.configs, blockM: tuned.blockM, experts: experts)
    }
    return defaultConfigs(experts: experts, weights: weights, blockScaled: blockScaled)
  }

  /// `get_default_config`: block-scaled fp8 one config (`BLOCK_SIZE_M` 64);
  /// per-tensor fp8 64 rows up to M = E and 128 above; other weights 16 rows
  /// up to M = E and 64 above.
  static func defaultConfigs(experts: Int, weights: DType, blockScaled: Bool) -> FusedMoEConfigTable {
    if weights == .fp8 && blockScaled {
      return FusedMoEConfigTable(keys: [1], configs: [0], blockM: [64], experts: experts)
    }
    let small = weights == .fp8 ? 64 : 16, large = weights == .fp8 ? 128 : 64
    // Keys E and E + 1 split the token counts at M = E (a tie keeps E).
    return FusedMoEConfigTable(
      keys: [max(experts, 1), max(experts, 1) + 1], configs: [0, 1], blockM: [small, large], experts: experts)
  }

  /// The tuned tables SGLang ships for DeepSeek-V3/R1's block-scaled fp8
  /// experts on Hopper, over `tunedTokenCounts`: the config index of each
  /// key and its `BLOCK_SIZE_M`, read from the files under
  /// srt/layers/moe/fused_moe_triton/configs/ of SGLang 0.5.5 (`newer`) and
  /// 0.4.9, in the directory each version's Triton picks.
  static func shipped(device: DeviceSpec, experts: Int, width: Int, newer: Bool) -> (
    configs: [Int], blockM: [Int]
  )? {
    let small = [Int](repeating: 16, count: 13) + [Int](repeating: 64, count: 5)
    let h200 = device.name.hasPrefix("NVIDIA H200"), h100 = device.name.hasPrefix("NVIDIA H100")
    switch (experts, width) {
    case (257, 256) where h200:
      // triton_3_3_1 (0.5.5) and triton_3_2_0 (0.4.9), "E=257,N=256,
      // device_name=NVIDIA_H200,dtype=fp8_w8a8,block_shape=[128, 128]".
      return newer
        ? ([0, 0, 1, 0, 2, 0, 3, 4, 4, 2, 5, 5, 2, 6, 6, 6, 6, 7], small)
        : ([0, 0, 1, 2, 3, 0, 4, 0, 2, 5, 6, 5, 6, 7, 7, 7, 8, 8], small)
    case (257, 128) where h200:
      // triton_3_3_1 for both.
      return ([0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 5, 5, 6, 7, 8, 8, 8, 7], small)
    case (257, 128) where h100:
      // triton_3_4_0 (0.5.5) and triton_3_2_0 (0.4.9), device_name=
      // NVIDIA_H100_80GB_HBM3.
      return newer
        ? ([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 2, 4], small)
        : ([0, 1, 2, 3, 4, 4, 5, 6, 4, 5, 4, 5, 7, 7, 8, 8, 9, 9], small)
    case (256, 256) where h200:
      // triton_3_1_0 for both (no shared-expert fusion).
      return (
        [0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 5, 7, 7, 7, 7, 3, 8, 3],
        [16, 16, 64, 64, 16] + [Int](repeating: 64, count: 11) + [128, 64]
      )
    case (256, 128) where h100:
      // triton_3_1_0 for both.
      return (
        [0, 1, 0, 2, 3, 4, 5, 5, 3, 6, 6, 7, 6, 6, 6, 7, 8, 7], [Int](repeating: 64, count: 16) + [128, 64]
      )
    default:
      return nil
    }
  }
}
