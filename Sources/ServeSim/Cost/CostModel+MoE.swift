/// Mixture-of-experts MLPs and multi-head latent attention.
extension CostModel {
  /// Expert GEMMs of a grouped (fused) MoE kernel on one rank: `assignments`
  /// token-to-expert rows through gate/up, activation and down projections of
  /// inner width `inner`, reading the weights of `activeExperts` experts.
  /// `inputRows` rows are quantised for the gate/up GEMM (nil: one per
  /// assignment): SGLang 0.5.5's fused MoE quantises the tokens' hidden
  /// states once (`invoke_fused_moe_kernel` → `per_token_group_quant_fp8` on
  /// its input A, which the kernel then reads by sorted token index) and the
  /// activation's output, one row per assignment, before the down GEMM.
  /// A calibration prices them with its fitted GEMM model (the rows of each
  /// expert as one tile grid over the stacked weights; dense measurements
  /// do not describe a grouped kernel's weight traffic), their compute at
  /// the engine's `fusedMoEComputeShare` of the fit's rate (the FLOPs
  /// reported stay the products').
  func expertGEMMs(
    assignments a: Double, activeExperts x: Double, inner f: Double, inputRows: Double? = nil,
    grouped: Bool = true, mode: LaunchMode
  ) -> OperatorEstimate {
    guard a > 0 else { return .zero }
    let h = Double(model.hiddenSize)
    let act = activationBytes
    var total = OperatorEstimate.zero
    let slowdown = 1 / fusedMoEComputeShare
    for (n, k) in [(2 * f, h), (h, f)] {
      total += activationQuantisation(rows: k == h ? inputRows ?? a : a, width: k, mode: mode)
      let flops = 2 * a * n * k
      let bytes = x * n * k * weightBytes + a * (n + k) * act
      let time = max(flops * slowdown / matmulFlopsPerSecond, bytes / bytesPerSecond)
      total += product(
        n: n, k: k, flops: flops, bytes: bytes, rows: a, tile: (m: a / max(x, 1), n: n * max(x, 1)),
        slowdown: slowdown, roofline: time, mode: mode, measured: false)
    }
    total += elementwise(bytes: 3 * a * f * act, flops: 8 * a * f, mode: mode, op: .siluMul)
    if grouped && fusedMoERowSeconds > 0 {
      total += OperatorEstimate(seconds: a * h * fusedMoERowSeconds, flops: 0, bytes: 0)
    }
    return total
  }

  /// The fused MoE's combine: the down projection writes each token's
  /// top-k expert outputs side by side, and a kernel of its own sums them
  /// into the token's row (SGLang 0.5.5 `fused_experts_impl`,
  /// srt/layers/moe/fused_moe_triton/fused_moe.py: `moe_sum_reduce` over
  /// `intermediate_cache3` of (tokens, top-k, hidden); vLLM's `ops.moe_sum`
  /// likewise). One expert per token writes its row in place; two are added
  /// by one `torch.add`, which moves the same bytes.
  func topKCombine(tokens m: Double, assignments a: Double, mode: LaunchMode) -> OperatorEstimate {
    guard a > m else { return .zero }
    let h = Double(model.hiddenSize)
    return elementwise(bytes: (a + m) * h * activationBytes, flops: a * h, mode: mode)
  }

  /// The start of an MoE layer for `tokens` tokens: the norm, the router
  /// GEMM (hidden to one logit per expert) and the softmax/top-k over the
  /// fp32 logits.
  func router(tokens m: Double, moe: MoESpec, mode: LaunchMode) -> OperatorEstimate {
    let experts = Double(moe.experts)
    var total = norm(tokens: m, mode: mode)
    total += gemm(m: m, n: experts, k: Double(model.hiddenSize), mode: mode)
    total += elementwise(bytes: 2 * m * experts * 4, flops: 5 * m * experts, mode: mode)
    return total
  }

  /// The MoE block of one layer for `tokens` tokens on one rank: norm, router
  /// GEMM and top-k, routed experts, shared experts, and the collectives.
  ///
  /// With expert parallelism 1 every rank runs every expert sharded over the
  /// tensor group and the block ends with an all-reduce (vLLM's fused MoE).
  /// With expert parallelism e, each rank owns E/e experts (sharded over t/e
  /// ranks) and runs them on the tokens routed to them, the busiest rank
  /// setting the pace; the block ends with the same all-reduce.
  public func moeBlock(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    guard let moe = model.moe, m > 0 else { return mlpBlock(tokens: m, mode: mode) }
    var total = router(tokens: m, moe: moe, mode: mode)
    total += fusedExperts(tokens: m, mode: mode)
    if moe.sharedExperts > 0 && fusedSharedExpertsRun(moe) == 0 {
      let inner = Double(moe.sharedExperts * moe.expertIntermediateSize) / Double(tensor)
      total += expertGEMMs(assignments: m, activeExperts: 1, inner: inner, grouped: false, mode: mode)
    }
    total += tensorAllReduce(tokens: m, mode: mode)
    return total
  }

  /// The routed experts of one MoE layer for `tokens` tokens on one rank, as
  /// the engine's fused-MoE kernel runs them (what AIConfigurator's
  /// `moe_perf` tables time): without expert parallelism every expert
  /// sharded over the tensor group, with the fused shared experts
  /// (`SharedExpertFusion`) as one more expert per token, and the top-k
  /// combine; with expert parallelism e the busiest rank's experts, each
  /// sharded over t/e ranks.
  public func fusedExperts(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    guard let moe = model.moe, m > 0 else { return .zero }
    let fe = Double(moe.expertIntermediateSize)
    let t = Double(tensor)
    let assignments = m * Double(moe.expertsPerToken)
    guard expertParallel > 1 else {
      let fused = Double(fusedSharedExpertsRun(moe))
      let rows = assignments + m * fused
      var experts = expertGEMMs(
        assignments: rows, activeExperts: moe.expectedActiveExperts(assignments: assignments) + fused,
        inner: fe / t, inputRows: m, mode: mode)
      experts += topKCombine(tokens: m, assignments: rows, mode: mode)
      return experts
    }
    // Every rank holds the whole batch (tensor-parallel attention) and runs
    // its own experts on the tokens routed to them; the busiest rank sets the
    // pace (`busiestExpertRank`), and the block's all-reduce sums the partial
    // outputs with the shared experts'. SGLang 0.5.5 with --ep-size and no
    // all-to-all backend (`FusedMoE` with expert parallelism,
    // `moe_a2a_backend` none), vLLM 0.11 with --enable-expert-parallel and
    // one data-parallel rank (no all2all kernels below dp_size 2,
    // vllm/model_executor/layers/fused_moe/layer.py) and TensorRT-LLM
    // without enable_attention_dp all end the MoE with the tensor group's
    // all-reduce; the all-to-all dispatch belongs to attention data
    // parallelism (`routedExperts`).
    let (rankRows, local) = busiestExpertRank(moe, assignments: assignments)
    let shard = max(t / Double(expertParallel), 1)
    return expertGEMMs(
      assignments: rankRows, activeExperts: local, inner: fe / shard, inputRows: m, mode: mode)
  }

  /// The shared experts that run inside the routed experts' fused kernel
  /// (`SharedExpertFusion`): none under expert parallelism.
  func fusedSharedExpertsRun(_ moe: MoESpec) -> Int {
    expertParallel <= 1 ? min(fusedSharedExperts, moe.sharedExperts) : 0
  }

  /// Multi-head latent attention's token-proportional work on one rank: query
  /// compression and expansion, the latent KV projection and its norm, rotary,
  /// the cache write of the latent, the absorbed key and value up-projections
  /// (W_UK, W_UV; vLLM's MLA decode path, applied to every token here), the
  /// output projection and the all-reduce.
  public func mlaBlock(tokens m: Double, mode: LaunchMode) -> OperatorEstimate {
    guard let mla = model.mla else { return attentionBlock(tokens: m, mode: mode) }
    let h = Double(model.hiddenSize)
    let heads = headsPerRank
    let qk = Double(mla.qkNopeHeadDim + mla.qkRopeHeadDim)
    let latent = Double(mla.kvLoraRank)
    var total = norm(tokens: m, mode: mode)
    if mla.qLoraRank > 0 {
      let q = Double(mla.qLoraRank)
      total += gemm(m: m, n: q, k: h, mode: mode)
      total += elementwise(bytes: 2 * m * q * activationBytes, flops: 4 * m * q, mode: mode, op: .rmsnorm)
      total += gemm(m: m, n: heads * qk, k: q, mode: mode)
    } else {
      total += gemm(m: m, n: heads * qk, k: h, mode: mode)
    }
    total += gemm(m: m, n: latent + Double(mla.qkRopeHeadDim), k: h, mode: mode)
    total += elementwise(
      bytes: 2 * m * latent * activationBytes, flops: 4 * m * latent, mode: mode, op: .rmsnorm)
    let rotated = m * (heads + 1) * Double(mla.qkRopeHeadDim)
    total += elementwise(bytes: 2 * rotated * activationBytes, flops: 6 * rotated, mode: mode, op: .rotary)
    let cached = m * Double(mla.cacheElementsPerToken)
    total += elementwise(bytes: cached * (activationBytes + kvBytes), flops: 0, mode: mode)
    total += gemm(m: m, n: heads * latent, k: Double(mla.qkNopeHeadDim), mode: mode)
    total += gemm(m: m, n: heads * Double(mla.vHeadDim), k: latent, mode: mode)
    total += gemm(m: m, n: h, k: heads * Double(mla.vHeadDim), mode: mode)
    total += tensorAllReduce(tokens: m, mode: mode)
    return total
  }

  /// MLA prefill: the latent of each chunk's context is expanded to per-head
  /// keys and values (kv_b projection) and attention runs as multi-head
  /// attention with query/key width nope + rope and value width v.
  func mlaAttentionPrefill(_ shape: BatchShape, _ mla: MLASpec, mode: LaunchMode) -> OperatorEstimate {
    let cached = shape.prefillContextTokens - Double(shape.prefillTokens)
    if cached > 0 && cached < mlaAbsorbedPrefixBelow { return mlaAbsorbedPrefill(shape, mla, mode: mode) }
    var total = gemm(
      m: shape.prefillContextTokens, n: headsPerRank * Double(mla.qkNopeHeadDim + mla.vHeadDim),
      k: Double(mla.kvLoraRank), mode: mode)
    total += mlaPrefillAttentionKernel(shape, mla, mode: mode)
    return total
  }

  /// The attention kernel of an MLA prefill alone (`mlaAttentionPrefill`
  /// without the kv_b expansion): multi-head attention of query/key width
  /// nope + rope and value width v over the expanded keys and values, which
  /// it reads with the latent cache (what AIConfigurator's `context_mla`
  /// tables time).
  ///
  /// Priced as its tensor work plus its memory traffic, not the larger of
  /// the two: the expanded path gives every head its own keys and values
  /// (no head shares them, unlike grouped-query attention), so each query
  /// tile streams as many bytes of K, V, Q and O per row as it does
  /// tensor work over the short contexts of serving, and the measured
  /// kernels add the two. NVIDIA AIConfigurator's context-MLA times
  /// (`validation/aiconfigurator_mla_context.csv`: TensorRT-LLM 1.3.0rc20
  /// and SGLang 0.5.14's FlashInfer `trtllm_mla` on B200, TensorRT-LLM on
  /// H200) follow compute + memory + a floor (a three-term fit leaves a
  /// median |error| of 3% per table); with the device files' rates
  /// unchanged, the table's calibration half (every other row) chose the
  /// sum over the maximum: median |error| of those three tables 23.0% to
  /// 16.0% (held out 22.5% to 15.9%), the B200's kernels centred (-2% and
  /// +5%), TensorRT-LLM on H200 15% slow (its kernel runs above the H200's
  /// 0.50 attention share).
  public func mlaPrefillAttentionKernel(_ shape: BatchShape, _ mla: MLASpec, mode: LaunchMode)
    -> OperatorEstimate
  {
    let heads = headsPerRank
    let qk = Double(mla.qkNopeHeadDim + mla.qkRopeHeadDim)
    let v = Double(mla.vHeadDim)
    let flops = 2 * heads * shape.prefillAttentionPairs * (qk + v)
    let bytes =
      shape.prefillContextTokens
      * (Double(mla.cacheElementsPerToken) * kvBytes + heads * (qk + v) * activationBytes)
      + Double(shape.prefillTokens) * heads * (qk + v) * activationBytes
    let time = flops / attentionFlopsPerSecond + bytes / bytesPerSecond
    return issued(
      OperatorEstimate(
        seconds: time + attentionFixedSeconds(kernels: 1, mode: mode), flops: flops, bytes: bytes),
      mode: mode)
  }

  /// MLA decode (absorbed): every head attends over the shared latent, keys of
  /// width kv_lora_rank + rope and values of width kv_lora_rank; the latent is
  /// read once for all heads, which is MLA's saving.
  func mlaAttentionDecode(_ shape: BatchShape, _ mla: MLASpec, mode: LaunchMode) -> OperatorEstimate {
    let heads = headsPerRank
    let latent = Double(mla.kvLoraRank)
    let flops = 2 * heads * shape.decodeContextTokens * (2 * latent + Double(mla.qkRopeHeadDim))
    let bytes =
      shape.decodeContextTokens * Double(mla.cacheElementsPerToken) * latentCacheBytes
      + Double(shape.decodeSequences) * heads * (2 * latent + Double(mla.qkRopeHeadDim)) * activationBytes
    let time = max(flops / attentionFlopsPerSecond, bytes / bytesPerSecond)
    // One latent shared by every head: split-KV decides on sequences alone.
    let kernels = decodeAttentionKernels(sequences: shape.decodeSequences, kvHeads: 1)
    var total = issued(
      OperatorEstimate(
        seconds: time + attentionFixedSeconds(kernels: kernels, mode: mode), flops: flops, bytes: bytes,
        kernels: kernels), mode: mode)
    total += kvPoolCast(mla, mode: mode)
    return total
  }
}
