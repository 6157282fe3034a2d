import ServeSim

/// The attention kernel table of the validation suite: NVIDIA AIConfigurator's
/// measured MLA prefill attention.
extension ValidationSuite {
  /// DeepSeek-V3's latent attention widths (its config.json: q_lora_rank
  /// 1536, kv_lora_rank 512, qk_nope_head_dim 128, qk_rope_head_dim 64,
  /// v_head_dim 128; `models/deepseek-v3.yaml`), which every row of
  /// AIConfigurator's `context_mla` tables has.
  static let deepSeekMLA = MLASpec(
    qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128)

  /// The framework and kernel an AIConfigurator attention row names
  /// (`trtllm`, `sglang-trtllm_mla`).
  static func aiConfiguratorKernel(_ row: Row) -> String {
    let framework = row["framework"].lowercased()
    return row["kernel_source"] == "default" ? framework : "\(framework)-\(row["kernel_source"])"
  }

  /// NVIDIA AIConfigurator's measured MLA prefill attention
  /// (`aiconfigurator-core` 0.12.0, `systems/data/<gpu>/mla/<engine>/
  /// <version>/context_mla_perf.parquet`; `scripts/extract-aiconfigurator-mla`):
  /// `batch_size` prompts of `isl` tokens each attending causally over
  /// themselves with `num_heads` heads on one GPU, bf16 with a bf16 KV cache,
  /// under SGLang 0.5.14 (FlashAttention on H200, FlashInfer's TensorRT-LLM
  /// MLA kernel on B200) and TensorRT-LLM 1.3.0rc20, on H200 and B200. Priced
  /// as `servesim cost --model models/deepseek-v3.yaml --op attention_prefill
  /// --shape batch=B,heads=H,q_tokens=ISL,kv_tokens=ISL` prices them: the
  /// attention kernel alone. Every other row of each GPU and engine (in file
  /// order) is the calibration part, on which the kernel's form was chosen
  /// (`CostModel.mlaPrefillAttentionKernel`: compute plus memory); the
  /// rest are held out. No rate is fitted on them. The
  /// engine column names the framework and the kernel (`sglang-flash_attention`,
  /// `sglang-trtllm_mla`, `trtllm`).
  static func aiConfiguratorMLA(_ table: CSVTable, into suite: inout ValidationSuite) throws(ConfigError) {
    let name = "aiconfigurator-mla"
    try require(
      [
        "gpu", "framework", "kernel_source", "mla_dtype", "kv_cache_dtype", "num_heads", "batch_size", "isl",
        "latency_ms",
      ],
      in: table)
    var seen = [String: Int]()
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      let bf16 = row["mla_dtype"] == "bfloat16" && row["kv_cache_dtype"] == "bfloat16"
      let format = "\(row["mla_dtype"]) with a \(row["kv_cache_dtype"]) KV cache"
      if let skip = aiConfiguratorSkip(row, format: bf16 ? nil : format) {
        suite.skip(name, skip)
        continue
      }
      guard let (gpu, device) = aiConfiguratorDevices[row["gpu"]], let heads = row.int("num_heads"),
        let batch = row.int("batch_size"), let isl = row.int("isl"), let ms = row.double("latency_ms"),
        heads > 0, batch > 0, isl > 0, ms > 0
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let engine = aiConfiguratorKernel(row)
      let index = seen["\(gpu)/\(engine)", default: 0]
      seen["\(gpu)/\(engine)"] = index + 1
      suite.add(
        ValidationKernel(
          suite: name, id: "\(device)/\(engine)/h\(heads)-b\(batch)-s\(isl)", gpu: gpu, engine: engine,
          op: .attentionPrefill,
          shape: OperatorShape(batch: batch, heads: heads, qTokens: isl, kvTokens: isl), dtype: .bf16,
          mla: deepSeekMLA, measuredUs: ms * 1000, heldOut: index % 2 == 1),
        target: .device(device))
    }
  }
}
