/// A decoder-only transformer's architecture: the figures that decide what each
/// layer computes and stores.
///
/// Sizes are counts (layers, heads, elements), never bytes: bytes follow from a
/// plan's `Precision`.
public struct ModelSpec: Sendable, Equatable {
  /// The MLP's activation function.
  public enum Activation: String, Sendable, CaseIterable { case silu, gelu, relu }
  /// The normalisation used before attention and the MLP.
  public enum Norm: String, Sendable, CaseIterable { case rmsnorm, layernorm }
  /// How positions enter the model.
  public enum PositionEmbedding: String, Sendable, CaseIterable { case rope, learned, alibi }

  public var name: String
  /// Transformer decoder layers.
  public var layers: Int
  /// Model (residual stream) width, in elements.
  public var hiddenSize: Int
  /// Query heads.
  public var heads: Int
  /// Key/value heads (equal to `heads` for multi-head attention).
  public var kvHeads: Int
  /// Width of one attention head, in elements.
  public var headDim: Int
  /// MLP inner width, in elements.
  public var intermediateSize: Int
  /// Whether the MLP is gated (gate and up projections, three matrices) or plain (two).
  public var gatedMLP: Bool
  public var activation: Activation
  public var norm: Norm
  public var positionEmbedding: PositionEmbedding
  /// Vocabulary size, in tokens.
  public var vocabSize: Int
  /// Longest context the model accepts, in tokens.
  public var maxContext: Int
  /// Whether the LM head shares the embedding matrix.
  public var tiedEmbeddings: Bool
  /// Whether the QKV projection has a bias (Qwen2).
  public var qkvBias: Bool
  /// PanGu-alpha's extra "query layer" on top of the decoder layers: one more
  /// attention-plus-MLP block, costed as a decoder layer (arXiv 2104.12369, Fig. 1).
  public var queryLayer: Bool
  /// The mixture-of-experts MLP, for MoE models.
  public var moe: MoESpec?
  /// Multi-head latent attention, for DeepSeek-style models.
  public var mla: MLASpec?
  /// Width of the activation groups of a block-scaled fp8 checkpoint (its
  /// `quantization_config.weight_block_size`, 128 for DeepSeek-V3/R1 and
  /// Qwen3's FP8 releases), 0 for per-tensor scales. Block scales need an
  /// activation quantisation kernel before each fp8 GEMM in every engine
  /// (SGLang `per_token_group_quant_fp8`, TensorRT-LLM 1.0
  /// `fp8_quantize_1x128`), which no engine fuses into the producer.
  public var fp8BlockSize = 0
  /// Multi-token-prediction layers shipped with the checkpoint (DeepSeek-V3's
  /// `num_nextn_predict_layers`: 1), which speculative decoding with
  /// `method: mtp` runs as its draft head; 0: none.
  public var mtpLayers = 0

  public init(
    name: String, layers: Int, hiddenSize: Int, heads: Int, kvHeads: Int, headDim: Int,
    intermediateSize: Int, gatedMLP: Bool = true, activation: Activation = .silu,
    norm: Norm = .rmsnorm, positionEmbedding: PositionEmbedding = .rope, vocabSize: Int,
    maxContext: Int, tiedEmbeddings: Bool = false, qkvBias: Bool = false,
    queryLayer: Bool = false, moe: MoESpec? = nil, mla: MLASpec? = nil
  ) {
    self.moe = moe
    self.mla = mla
    self.name = name
    self.layers = layers
    self.hiddenSize = hiddenSize
    self.heads = heads
    self.kvHeads = kvHeads
    self.headDim = headDim
    self.intermediateSize = intermediateSize
    self.gatedMLP = gatedMLP
    self.activation = activation
    self.norm = norm
    self.positionEmbedding = positionEmbedding
    self.vocabSize = vocabSize
    self.maxContext = maxContext
    self.tiedEmbeddings = tiedEmbeddings
    self.qkvBias = qkvBias
    self.queryLayer = queryLayer
  }

  /// Layers that are costed as full decoder layers (the query layer counts as one).
  public var costedLayers: Int { layers + (queryLayer ? 1 : 0) }

  /// Output width of the fused QKV projection, in elements.
  public var qkvOutputSize: Int { (heads + 2 * kvHeads) * headDim }

  /// Parameters of one layer's attention block (projections, biases, norm).
  public var attentionParameters: Double {
    let h = Double(hiddenSize)
    let norms = (norm == .layernorm ? 2 : 1) * h
    if let mla { return mla.parameters(hidden: hiddenSize, heads: heads) + norms }
    let qkv = h * Double(qkvOutputSize) + (qkvBias ? Double(qkvOutputSize) : 0)
    let out = Double(heads * headDim) * h
    return qkv + out + norms
  }

  /// Parameters of a dense MLP block (and its norm).
  public var denseMLPParameters: Double {
    let h = Double(hiddenSize)
    return Double(gatedMLP ? 3 : 2) * h * Double(intermediateSize)
      + (norm == .layernorm ? 2 : 1) * h
  }

  /// Parameters of an MoE block: router, routed and shared experts, norm.
  public var moeMLPParameters: Double {
    guard let moe else { return denseMLPParameters }
    let h = Double(hiddenSize)
    let expert = moe.expertParameters(hidden: hiddenSize)
    return h * Double(moe.experts) + Double(moe.experts + moe.sharedExperts) * expert
      + (norm == .layernorm ? 2 : 1) * h
  }

  /// MoE layers among layers `range` (0-based): those from `dense_layers` up to
  /// the decoder layers' end (the query layer is dense).
  public func moeLayerCount(in range: Range<Int>) -> Int {
    guard let moe else { return 0 }
    return max(0, min(range.upperBound, layers) - max(range.lowerBound, moe.denseLayers))
  }

  /// MoE layers of each pipeline stage holding `stageLayers` layers, first to last.
  public func moeLayersPerStage(_ stageLayers: [Int]) -> [Int] {
    var first = 0
    return stageLayers.map { count in
      defer { first += count }
      return moeLayerCount(in: first..<first + count)
    }
  }

  /// Parameters of layers `range` (0-based).
  public func parameters(ofLayers range: Range<Int>) -> Double {
    let moeCount = Double(moeLayerCount(in: range))
    return Double(range.count) * attentionParameters + moeCount * moeMLPParameters
      + (Double(range.count) - moeCount) * denseMLPParameters
  }

  /// Parameters of one decoder layer, averaged over the layers.
  public var parametersPerLayer: Double {
    parameters(ofLayers: 0..<costedLayers) / Double(max(costedLayers, 1))
  }

  /// Parameters used per token by one layer (active experts only), averaged.
  public var activeParametersPerLayer: Double {
    guard let moe else { return parametersPerLayer }
    let expert = moe.expertParameters(hidden: hiddenSize)
    let moeActive = attentionParameters + Double(moe.expertsPerToken + moe.sharedExperts) * expert
    let dense = attentionParameters + denseMLPParameters
    let moeLayers = Double(max(layers - moe.denseLayers, 0))
    return (moeLayers * moeActive + Double(costedLayers - Int(moeLayers)) * dense)
      / Double(max(costedLayers, 1))
  }

  /// Parameters of the embedding table (and of the LM head when not tied).
  public var embeddingParameters: Double {
    let table = Double(vocabSize) * Double(hiddenSize)
    let positions = positionEmbedding == .learned ? Double(maxContext) * Double(hiddenSize) : 0
    return table * (tiedEmbeddings ? 1 : 2) + positions
  }

  /// All parameters of the model.
  public var parameterCount: Double {
    parametersPerLayer * Double(costedLayers) + embeddingParameters + Double(hiddenSize)
  }

  /// Elements of KV cache one token occupies across all layers and KV heads.
  public var kvElementsPerToken: Double {
    kvElementsPerTokenPerLayer(tensor: 1) * Double(costedLayers)
  }

  /// Elements of KV cache one token occupies in one layer on one of `tensor`
  /// ranks: K and V of the rank's KV heads (a replica of one head when there are
  /// fewer KV heads than ranks, as vLLM does), or MLA's latent, which every rank
  /// keeps whole.
  public func kvElementsPerTokenPerLayer(tensor: Int) -> Double {
    if let mla { return Double(mla.cacheElementsPerToken) }
    return 2 * max(1, Double(kvHeads) / Double(max(tensor, 1))) * Double(headDim)
  }
}
