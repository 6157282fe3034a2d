import ServeSim

extension LaunchCommand {
  /// The flags that give the engine the plan's host KV tier
  /// (`scheduler.kv_offload`), or notes where the engine or version has none.
  ///
  /// - vLLM 0.11: `--kv-transfer-config` with the `OffloadingConnector` and
  ///   its CPU spec, sized in blocks (`num_cpu_blocks`, each worker's own
  ///   shard: vllm/v1/kv_offload/cpu.py; the connector is registered in
  ///   vllm/distributed/kv_transfer/kv_connector/factory.py of the 0.11.0
  ///   wheel; a connector needs a `kv_role`, vllm/config/kv_transfer.py).
  /// - vLLM 0.14: `--kv-offloading-size` in GiB over all ranks of a replica,
  ///   with the native backend (`VllmConfig._post_init_kv_transfer_config`
  ///   sets the OffloadingConnector's `cpu_bytes_to_use`, which
  ///   `CPUOffloadingSpec` now requires instead of `num_cpu_blocks` and
  ///   divides over the world size: vllm/v1/kv_offload/cpu.py, 0.14.0).
  /// - SGLang 0.4 and 0.5: `--enable-hierarchical-cache --hicache-size`, in
  ///   whole GB per rank (`--hicache-size` is an int; HostKVCache sizes its
  ///   pool as `host_size * 1e9 // size_per_token` of the rank,
  ///   sglang/srt/mem_cache/memory_pool_host.py of the 0.5.5 wheel).
  static func offload(
    _ plan: PlanSpec, _ engine: EngineKind, _ version: EngineVersion, _ notes: inout [String]
  ) -> [String] {
    guard let tier = plan.scheduler.kvOffload else { return [] }
    switch engine {
    case .vllm:
      guard version >= EngineVersion(0, 11) else {
        notes.append(
          "vLLM \(version) has no KV offloading connector (OffloadingConnector came in 0.11); the plan's host KV tier is not exported"
        )
        return []
      }
      if version >= EngineVersion(0, 14) {
        let ranks = Double(plan.parallelism.tensor * plan.parallelism.pipeline)
        let gib = tier.capacityGB * 1e9 * ranks / 1_073_741_824
        return ["--kv-offloading-size \(fraction(gib)) --kv-offloading-backend native"]
      }
      let blockBytes = MemoryPlan(plan: plan).blockBytes
      let blocks = blockBytes > 0 ? Int((tier.capacityGB * 1e9 / blockBytes).rounded(.down)) : 0
      return [
        "--kv-transfer-config '{\"kv_connector\":\"OffloadingConnector\",\"kv_role\":\"kv_both\",\"kv_connector_extra_config\":{\"num_cpu_blocks\":\(blocks)}}'"
      ]
    case .sglang:
      let gb = max(Int(tier.capacityGB.rounded(.down)), 1)
      notes.append(
        "SGLang's hierarchical cache loads host KV layer by layer during the prefill; the plan models vLLM's load before scheduling"
      )
      return ["--enable-hierarchical-cache --hicache-size \(gb)"]
    case .trtllm, .mindie:
      notes.append(
        "the plan's host KV tier is not exported to \(engine.rawValue) (TensorRT-LLM's kv_cache_config.host_cache_size is not checked against a wheel here)"
      )
      return []
    case .llamacpp:
      notes.append("llama-server has no host KV tier; the plan's kv_offload is not exported")
      return []
    }
  }
}
