/// Weights of one device under attention data parallelism.
extension MemoryPlan {
  /// Weight bytes on one device of a replica of `parallelism.tensor` devices
  /// split into `attentionData` attention ranks, as SGLang 0.5.2 places them
  /// (`models/deepseek_v2.py`, `layers/communicator.py`):
  /// - attention (and its norms) tensor-parallel over the rank's
  ///   `attentionTensor` devices (replicated when that is 1);
  /// - routed experts over all `tensor` devices (E/M experts per
  ///   expert-parallel rank, each sharded over tensor/M devices), with
  ///   their redundant copies (`Parallelism.redundantExperts`);
  /// - the router and, under expert parallelism (DeepEP), the shared experts
  ///   replicated on every device (`tp_size=1`), else sharded over `tensor`;
  /// - dense MLP layers tensor-parallel over `tensor` (`moe_dense_tp_size`
  ///   None: the tokens of every rank are gathered);
  /// - the embedding replicated (`VocabParallelEmbedding(enable_tp=not
  ///   is_dp_attention_enabled())`), the LM head vocabulary-parallel over
  ///   `tensor` (`enable_dp_lm_head` off).
  ///
  /// Embedding and LM head stay 16-bit, as in the plain plan.
  static func attentionDataWeights(
    model: ModelSpec, parallelism: Parallelism, precision: Precision
  ) -> Double {
    let g = Double(parallelism.tensor)
    let a = Double(max(parallelism.attentionTensor, 1))
    let w = precision.weights.bytes
    let layers = model.costedLayers
    let moeLayers = Double(model.moeLayerCount(in: 0..<layers))
    let denseLayers = Double(layers) - moeLayers
    var bytes = Double(layers) * model.attentionParameters * w / a
    bytes += denseLayers * model.denseMLPParameters * w / g
    if let moe = model.moe {
      let h = Double(model.hiddenSize)
      let expert = moe.expertParameters(hidden: model.hiddenSize)
      let shared = Double(moe.sharedExperts) * expert / (parallelism.expert > 1 ? 1 : g)
      let slots = Double(parallelism.expertSlots(moe))
      let perLayer = h * Double(moe.experts) + slots * expert / g + shared + h
      bytes += moeLayers * perLayer * w
    }
    let table = Double(model.vocabSize) * Double(model.hiddenSize) * 2
    let positions = model.embeddingParameters * 2 - table * (model.tiedEmbeddings ? 1 : 2)
    bytes += table + positions + table / g
    return bytes
  }
}
