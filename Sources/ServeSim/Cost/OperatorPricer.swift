/// Prices single operators with the simulator's cost model: what `servesim
/// cost` shows, so the model can be checked against measurements.
public enum OperatorPricer {
  /// The time of `op` on `shape`, in seconds, and its source.
  ///
  /// The operator is priced as the simulator prices it in an eager iteration:
  /// a matrix product with weights and activations in `dtype` (the device's
  /// fallback math where it lacks that format), attention with its KV cache in
  /// `kvDType`, a collective across `shape.ranks` consecutive devices of
  /// `cluster` (vLLM's algorithms).
  ///
  /// A matrix product with `shape.groups` above 1 is a grouped MoE GEMM priced
  /// as the simulator prices expert GEMMs. With `quantisesInput` false an fp8
  /// product leaves out the kernel that quantises its input (a kernel table
  /// that times the GEMM alone). `fp8Scaling` says how an fp8 product's
  /// operands are scaled (`FP8Scaling`; a calibration measured on the other
  /// kind prices it at `CostModel.perTensorFP8Speedup`). With `mla`, prefill
  /// attention is multi-head latent attention of those widths over
  /// `shape.heads` heads (the attention kernel alone, without the kv_b
  /// expansion: `CostModel.mlaPrefillAttentionKernel`), and decode attention
  /// the absorbed latent attention the simulator runs for every decoding
  /// sequence (`CostModel.mlaAttentionDecode`: each head over the shared
  /// latent cache), after converting a KV pool of `kvPoolTokens` tokens to
  /// 16 bits when that is above 0 (`CostModel.kvPoolCastTokens`). With
  /// `engine`, attention runs that engine's own kernels where the device
  /// prices them apart (`CostModel.useAttentionKernels`: TensorRT-LLM's);
  /// without, FlashAttention-3's.
  ///
  /// - Returns: nil for a collective when no cluster is given.
  public static func price(
    _ op: CalibrationOp, shape: OperatorShape, dtype: DType, kvDType: DType, device: DeviceSpec,
    cluster: ClusterSpec?, calibration: Calibration?, quantisesInput: Bool = true,
    fp8Scaling: FP8Scaling = .tensor, mla: MLASpec? = nil, kvPoolTokens: Int = 0, engine: EngineKind? = nil
  ) -> (seconds: Double, source: CostSource)? {
    let heads = max(shape.heads, 1)
    var model = ModelSpec(
      name: "operator", layers: 1, hiddenSize: heads * max(shape.headDim, 1), heads: heads,
      kvHeads: max(shape.kvHeads, 1), headDim: max(shape.headDim, 1), intermediateSize: 1,
      vocabSize: 1, maxContext: max(shape.kvTokens, 1))
    if fp8Scaling == .block { model.fp8BlockSize = 128 }
    let precision = Precision(weights: dtype, activations: dtype, kvCache: kvDType)
    let link = LinkSpec(kind: "none", bandwidthGBps: 1, latencyUs: 0, efficiency: 1, topology: "none")
    var group = CommGroup(ranks: 1, ranksPerNode: 1, intra: link, inter: nil, customAllReduce: false)
    if op.family == .collective {
      guard let cluster else { return nil }
      // A single collective is the communication library's (NCCL, as
      // nccl-tests and measured stores time it); an engine's custom
      // all-reduce kernel applies inside simulations.
      group = CommGroup(ranks: shape.ranks, cluster: cluster, engine: .vllm, customAllReduce: false)
    }
    var cost = CostModel(
      model: model, device: device, precision: precision, tensorGroup: group, calibration: calibration)
    cost.kvPoolCastTokens = Double(kvPoolTokens)
    if let engine { cost.useAttentionKernels(of: engine) }
    let estimate: OperatorEstimate
    switch op.family {
    case .matmul:
      let (m, n, k) = (Double(shape.m), Double(shape.n), Double(shape.k))
      let rows = m * Double(max(shape.groups, 1))
      var total = quantisesInput ? cost.activationQuantisation(rows: rows, width: k, mode: .eager) : .zero
      total += cost.gemmKernel(m: m, n: n, k: k, groups: shape.groups, mode: .eager)
      estimate = total
    case .attentionPrefill:
      var batch = BatchShape()
      for _ in 0..<shape.batch {
        batch.addPrefill(chunk: shape.qTokens, context: shape.kvTokens, samples: false)
      }
      if let mla {
        estimate = cost.mlaPrefillAttentionKernel(batch, mla, mode: .eager)
      } else {
        estimate = cost.attentionPrefill(batch, mode: .eager)
      }
    case .attentionDecode:
      var batch = BatchShape()
      for _ in 0..<shape.batch { batch.addDecode(context: shape.kvTokens) }
      if let mla {
        estimate = cost.mlaAttentionDecode(batch, mla, mode: .eager)
      } else {
        estimate = cost.attentionDecode(batch, mode: .eager)
      }
    case .memory:
      estimate = cost.elementwise(bytes: Double(shape.bytes), flops: 0, mode: .eager, op: op)
    case .collective:
      estimate = cost.collective(op, bytes: Double(shape.bytes))
    }
    return (estimate.seconds, estimate.sources.dominant)
  }
}

extension SourceSeconds {
  /// The source with the most seconds (datasheet when there are none).
  public var dominant: CostSource {
    CostSource.allCases.max { self[$0] < self[$1] } ?? .datasheet
  }
}
