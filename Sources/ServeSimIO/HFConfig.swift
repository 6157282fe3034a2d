import Foundation
import ServeSim
import Yams

/// Reads a Hugging Face `config.json` (as published with a model on the Hub)
/// into a `ModelSpec`, so a plan's `model:` can name one directly.
///
/// JSON is read with the YAML parser (JSON is YAML's flow style), so errors
/// carry lines and `--set model.num_hidden_layers=40` reaches the file like
/// any other key. Keys follow the `transformers` configuration classes of each
/// architecture (transformers 4.51): `LlamaConfig`, `MistralConfig`,
/// `Qwen2Config`, `Qwen3Config`, `MixtralConfig`, `Qwen2MoeConfig`,
/// `Qwen3MoeConfig`, `DeepseekV2Config`/`DeepseekV3Config`, `GPT2Config`,
/// `GPTNeoXConfig`. Keys the simulator does not need (dropout, token ids,
/// rope scaling, quantisation: precision is the plan's) are ignored.
public enum HFConfig {
  /// The architecture families read, by `architectures[0]` (or `model_type`).
  enum Family: String, CaseIterable {
    case llama, qwen2, qwen3, mixtral, qwen2Moe, qwen3Moe, deepseek, gpt2, gptNeoX
  }

  /// `architectures` entries and `model_type` values accepted, and their family.
  static let architectures: [(String, String, Family)] = [
    ("LlamaForCausalLM", "llama", .llama), ("MistralForCausalLM", "mistral", .llama),
    ("Qwen2ForCausalLM", "qwen2", .qwen2), ("Qwen3ForCausalLM", "qwen3", .qwen3),
    ("MixtralForCausalLM", "mixtral", .mixtral), ("Qwen2MoeForCausalLM", "qwen2_moe", .qwen2Moe),
    ("Qwen3MoeForCausalLM", "qwen3_moe", .qwen3Moe),
    ("DeepseekV2ForCausalLM", "deepseek_v2", .deepseek),
    ("DeepseekV3ForCausalLM", "deepseek_v3", .deepseek), ("GPT2LMHeadModel", "gpt2", .gpt2),
    ("GPTNeoXForCausalLM", "gpt_neox", .gptNeoX),
  ]

  /// Whether `path` names a JSON file (read as a Hugging Face config).
  public static func isConfig(path: String) -> Bool {
    path.lowercased().hasSuffix(".json")
  }

  /// Reads the Hugging Face config at `path`.
  ///
  /// - Throws: `ConfigError` naming the file, line and key; an unsupported
  ///   architecture is named with the supported ones.
  public static func model(path: String) throws(ConfigError) -> ModelSpec {
    try model(YAMLFile(path: path, referencedBy: nil))
  }

  static func model(_ file: YAMLFile) throws(ConfigError) -> ModelSpec {
    let c = try JSONConfig(file)
    let family = try c.family()
    let gpt2 = family == .gpt2
    let layers = try c.int(gpt2 ? "n_layer" : "num_hidden_layers", min: 1, max: 10_000)
    let hidden = try c.int(gpt2 ? "n_embd" : "hidden_size", min: 1, max: 1 << 20)
    let heads = try c.int(gpt2 ? "n_head" : "num_attention_heads", min: 1, max: hidden)
    let kvHeads = try c.int("num_key_value_heads", default: heads, min: 1, max: heads)
    if heads % kvHeads != 0 {
      throw c.fail("num_key_value_heads", "\(kvHeads) must divide num_attention_heads (\(heads))")
    }
    var headDim = try c.int("head_dim", default: hidden / heads, min: 1, max: 1 << 16)
    if headDim == 0 { headDim = 1 }
    let vocab = try c.int("vocab_size", min: 1, max: 1 << 24)
    let context = try c.int(
      gpt2 ? "n_positions" : "max_position_embeddings", min: 1, max: 1 << 30)
    let activation = try c.activation(gpt2 ? "activation_function" : "hidden_act")

    var spec: ModelSpec
    switch family {
    case .gpt2:
      spec = ModelSpec(
        name: c.name, layers: layers, hiddenSize: hidden, heads: heads, kvHeads: heads,
        headDim: hidden / heads,
        intermediateSize: try c.int("n_inner", default: 4 * hidden, min: 1, max: 1 << 22),
        gatedMLP: false, activation: activation, norm: .layernorm, positionEmbedding: .learned,
        vocabSize: vocab, maxContext: context, tiedEmbeddings: true, qkvBias: true)
    case .gptNeoX:
      spec = ModelSpec(
        name: c.name, layers: layers, hiddenSize: hidden, heads: heads, kvHeads: heads,
        headDim: hidden / heads,
        intermediateSize: try c.int("intermediate_size", min: 1, max: 1 << 22), gatedMLP: false,
        activation: activation, norm: .layernorm, positionEmbedding: .rope, vocabSize: vocab,
        maxContext: context, tiedEmbeddings: try c.bool("tie_word_embeddings", default: false),
        qkvBias: try c.bool("attention_bias", default: true))
    default:
      let bias = family == .qwen2 || family == .qwen2Moe
      spec = ModelSpec(
        name: c.name, layers: layers, hiddenSize: hidden, heads: heads, kvHeads: kvHeads,
        headDim: headDim,
        intermediateSize: try c.int("intermediate_size", min: 1, max: 1 << 22),
        gatedMLP: true, activation: activation, norm: .rmsnorm, positionEmbedding: .rope,
        vocabSize: vocab, maxContext: context,
        tiedEmbeddings: try c.bool("tie_word_embeddings", default: false),
        qkvBias: try c.bool("attention_bias", default: bias) || bias)
    }
    spec.moe = try moe(c, family: family, layers: layers)
    if family == .deepseek { spec.mla = try mla(c) }
    if let mla = spec.mla { spec.headDim = mla.vHeadDim }
    spec.fp8BlockSize = try c.fp8BlockSize()
    // DeepSeek-V3/R1: `num_nextn_predict_layers` (1) MTP layers for speculative decoding.
    spec.mtpLayers = try c.int("num_nextn_predict_layers", default: 0, min: 0, max: 64)
    return spec
  }

  static func moe(_ c: JSONConfig, family: Family, layers: Int) throws(ConfigError) -> MoESpec? {
    switch family {
    case .mixtral:
      let experts = try c.int("num_local_experts", min: 1, max: 1 << 16)
      return MoESpec(
        experts: experts,
        expertsPerToken: try c.int("num_experts_per_tok", min: 1, max: experts),
        expertIntermediateSize: try c.int("intermediate_size", min: 1, max: 1 << 22))
    case .qwen2Moe, .qwen3Moe:
      let experts = try c.int("num_experts", min: 1, max: 1 << 16)
      let size = try c.int("moe_intermediate_size", min: 1, max: 1 << 22)
      if try c.int("decoder_sparse_step", default: 1, min: 1, max: layers) != 1 {
        throw c.fail(
          "decoder_sparse_step", "only 1 (every layer sparse) is modelled; dense layers must lead")
      }
      let dense = try c.intList("mlp_only_layers")
      if dense != Array(0..<dense.count) || dense.count >= layers {
        throw c.fail(
          "mlp_only_layers", "only leading dense layers ([0, 1, ..., k-1]) are modelled")
      }
      var shared = 0
      if family == .qwen2Moe, c.has("shared_expert_intermediate_size") {
        let sharedSize = try c.int("shared_expert_intermediate_size", min: 0, max: 1 << 22)
        // One shared expert of k times the routed width costs as k routed experts.
        shared = (sharedSize + size / 2) / size
      }
      return MoESpec(
        experts: experts,
        expertsPerToken: try c.int("num_experts_per_tok", min: 1, max: experts),
        expertIntermediateSize: size, sharedExperts: shared, denseLayers: dense.count)
    case .deepseek:
      guard c.has("n_routed_experts"), !c.isNull("n_routed_experts") else { return nil }
      let experts = try c.int("n_routed_experts", min: 1, max: 1 << 16)
      if try c.int("moe_layer_freq", default: 1, min: 1, max: layers) != 1 {
        throw c.fail("moe_layer_freq", "only 1 (every layer after the dense ones) is modelled")
      }
      return MoESpec(
        experts: experts,
        expertsPerToken: try c.int("num_experts_per_tok", min: 1, max: experts),
        expertIntermediateSize: try c.int("moe_intermediate_size", min: 1, max: 1 << 22),
        sharedExperts: try c.int("n_shared_experts", default: 0, min: 0, max: 1 << 10),
        denseLayers: try c.int("first_k_dense_replace", default: 0, min: 0, max: layers - 1))
    default:
      return nil
    }
  }

  static func mla(_ c: JSONConfig) throws(ConfigError) -> MLASpec {
    MLASpec(
      qLoraRank: c.isNull("q_lora_rank") ? 0 : try c.int("q_lora_rank", default: 0, min: 0, max: 1 << 20),
      kvLoraRank: try c.int("kv_lora_rank", min: 1, max: 1 << 20),
      qkNopeHeadDim: try c.int("qk_nope_head_dim", min: 1, max: 1 << 16),
      qkRopeHeadDim: try c.int("qk_rope_head_dim", min: 0, max: 1 << 16),
      vHeadDim: try c.int("v_head_dim", min: 1, max: 1 << 16))
  }
}
