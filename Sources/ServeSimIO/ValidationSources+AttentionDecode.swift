import ServeSim

/// The decode attention kernel table of the validation suite: NVIDIA
/// AIConfigurator's measured MLA generation attention.
extension ValidationSuite {
  /// NVIDIA AIConfigurator's measured MLA decode attention
  /// (`aiconfigurator-core` 0.12.0, `systems/data/<gpu>/mla/<engine>/
  /// <version>/generation_mla_perf.parquet`; `scripts/extract-aiconfigurator-mla
  /// WHEEL generation`): one decode step of `batch_size` sequences, each
  /// attending with `num_heads` heads over `kv_tokens` cached tokens of
  /// DeepSeek-V3's 512 + 64-wide latent, bf16 math with a bf16 or fp8 KV
  /// cache, under SGLang 0.5.14 (FlashAttention on H200, FlashInfer's
  /// TensorRT-LLM MLA kernel on B200) and TensorRT-LLM 1.3.0rc20, on H200 and
  /// B200. Priced as `servesim cost --model models/deepseek-v3.yaml --op
  /// attention_decode --shape batch=B,heads=H,q_tokens=1,kv_tokens=K
  /// --kv-dtype D` prices them (`CostModel.mlaAttentionDecode`; SGLang's fa3
  /// rows with an fp8 cache with `--kv-pool-tokens` B·K). No fit reads
  /// them: every row is held out. The engine column names the framework, the
  /// kernel and the cache format (`trtllm-fp8kv`).
  static func aiConfiguratorMLADecode(_ table: CSVTable, into suite: inout ValidationSuite)
    throws(ConfigError)
  {
    let name = "aiconfigurator-mla-decode"
    try require(
      [
        "gpu", "framework", "kernel_source", "mla_dtype", "kv_cache_dtype", "num_heads", "batch_size",
        "kv_tokens", "latency_ms",
      ],
      in: table)
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      let cache: DType? =
        switch row["kv_cache_dtype"] {
        case "bfloat16": .bf16
        case "fp8": .fp8
        default: nil
        }
      let supported = row["mla_dtype"] == "bfloat16" && cache != nil
      let format = "\(row["mla_dtype"]) with a \(row["kv_cache_dtype"]) KV cache"
      if let skip = aiConfiguratorSkip(row, format: supported ? nil : format) {
        suite.skip(name, skip)
        continue
      }
      guard let kv = cache, let (gpu, device) = aiConfiguratorDevices[row["gpu"]],
        let heads = row.int("num_heads"), let batch = row.int("batch_size"),
        let tokens = row.int("kv_tokens"), let ms = row.double("latency_ms"),
        heads > 0, batch > 0, tokens > 0, ms > 0
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let source = aiConfiguratorKernel(row)
      let engine = kv == .fp8 ? "\(source)-fp8kv" : source
      let id = "\(device)/\(engine)/h\(heads)-b\(batch)-kv\(tokens)"
      var kernel = ValidationKernel(
        suite: name, id: id, gpu: gpu, engine: engine, op: .attentionDecode,
        shape: OperatorShape(batch: batch, heads: heads, qTokens: 1, kvTokens: tokens), dtype: .bf16,
        kvDType: kv, mla: deepSeekMLA, measuredUs: ms * 1000, heldOut: true)
      // SGLang's fa3 backend converts the whole pool of an fp8 cache
      // (`MLAPrefillDispatch.castsKVPool`); the collector's pool is taken to
      // hold the batch's cache and no more (u: its code is not in the wheel).
      if source == "sglang-flash_attention" && kv == .fp8 {
        kernel.kvPoolTokens = batch * tokens
      }
      suite.add(kernel, target: .device(device))
    }
  }
}
