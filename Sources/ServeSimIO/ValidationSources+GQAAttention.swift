import ServeSim

/// The grouped-query attention kernel tables of the validation suite: NVIDIA
/// AIConfigurator's measured prefill and decode attention of the dense and
/// Qwen3 MoE models servesim ships.
extension ValidationSuite {
  /// NVIDIA AIConfigurator's measured grouped-query attention
  /// (`aiconfigurator-core` 0.12.0, `systems/data/<gpu>/attention/<engine>/
  /// <version>/{context,generation}_attention_perf.parquet`;
  /// `scripts/extract-aiconfigurator-attention`): vLLM 0.24.0
  /// (FlashAttention-3), SGLang 0.5.14 (its fa3 backend) and TensorRT-LLM
  /// 1.3.0rc20 on H100 and H200, head width 128, bf16 math and a bf16 KV
  /// cache, with the heads one GPU holds of Llama-3.1-8B/70B/405B, Qwen3-32B
  /// and Qwen3-235B-A22B under tensor parallelism 1 to 8.
  ///
  /// `phase` picks the rows: `context` (suite `aiconfigurator-attention`:
  /// `batch_size` prompts of `kv_tokens` tokens, each attending causally over
  /// itself, priced as `servesim cost --op attention_prefill --shape
  /// batch=B,heads=H,kv_heads=K,head_dim=128,q_tokens=L,kv_tokens=L`) or
  /// `generation` (suite `aiconfigurator-attention-decode`: one decode step of
  /// `batch_size` sequences over `kv_tokens` cached tokens each, `--op
  /// attention_decode`). Every other row of each GPU and engine (in file
  /// order) is the calibration part, the rest held out; no fit reads them
  /// yet. The engine column names the framework and the kernel (`vllm-fa3`,
  /// `sglang-fa3`, `trtllm`).
  static func aiConfiguratorAttention(
    _ table: CSVTable, phase: String, into suite: inout ValidationSuite
  ) throws(ConfigError) {
    let name = phase == "context" ? "aiconfigurator-attention" : "aiconfigurator-attention-decode"
    try require(
      [
        "gpu", "framework", "phase", "num_heads", "num_key_value_heads", "head_dim", "kv_cache_dtype",
        "batch_size", "q_tokens", "kv_tokens", "latency_ms",
      ],
      in: table)
    var seen = [String: Int]()
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      guard row["phase"] == phase else { continue }
      let format = row["kv_cache_dtype"] == "bfloat16" ? nil : "a \(row["kv_cache_dtype"]) KV cache"
      if let skip = aiConfiguratorSkip(row, format: format) {
        suite.skip(name, skip)
        continue
      }
      guard let (gpu, device) = aiConfiguratorDevices[row["gpu"]], let heads = row.int("num_heads"),
        let kvHeads = row.int("num_key_value_heads"), let headDim = row.int("head_dim"),
        let batch = row.int("batch_size"), let q = row.int("q_tokens"), let kv = row.int("kv_tokens"),
        let ms = row.double("latency_ms"), heads > 0, kvHeads > 0, headDim > 0, batch > 0, q > 0, kv > 0,
        ms > 0
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let framework = row["framework"].lowercased()
      let engine = framework == "trtllm" ? framework : "\(framework)-fa3"
      let index = seen["\(gpu)/\(engine)", default: 0]
      seen["\(gpu)/\(engine)"] = index + 1
      var kernel = ValidationKernel(
        suite: name, id: "\(device)/\(engine)/h\(heads)-kv\(kvHeads)-b\(batch)-s\(kv)", gpu: gpu,
        engine: engine, op: phase == "context" ? .attentionPrefill : .attentionDecode,
        shape: OperatorShape(
          batch: batch, heads: heads, kvHeads: kvHeads, headDim: headDim, qTokens: q, kvTokens: kv),
        dtype: .bf16, measuredUs: ms * 1000, heldOut: index % 2 == 1)
      // TensorRT-LLM's rows time its own attention op (its FMHA kernels).
      kernel.servingEngine = framework == "trtllm" ? .trtllm : nil
      suite.add(kernel, target: .device(device))
    }
  }
}
