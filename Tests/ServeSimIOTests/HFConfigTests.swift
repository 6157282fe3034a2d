import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// Hugging Face `config.json` files read as models.
@Suite struct HFConfigTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  static func config(_ name: String) -> String { fixtures + "/hf/" + name }

  static func shipped(_ name: String) throws -> ModelSpec {
    try SpecDecoders.model(YAMLFile(path: root + "/models/" + name, referencedBy: nil))
  }

  /// Each config maps to the same description as the shipped YAML of that model.
  @Test(arguments: [
    ("llama-3.1-8b-instruct.json", "llama-3.1-8b.yaml"), ("mistral-7b-v0.1.json", "mistral-7b.yaml"),
    ("qwen3-32b.json", "qwen3-32b.yaml"), ("mixtral-8x7b-v0.1.json", "mixtral-8x7b.yaml"),
    ("qwen3-235b-a22b.json", "qwen3-235b-a22b.yaml"), ("deepseek-v3.json", "deepseek-v3.yaml"),
  ])
  func matchesShippedModel(config: String, yaml: String) throws {
    var fromJSON = try HFConfig.model(path: Self.config(config))
    let expected = try Self.shipped(yaml)
    fromJSON.name = expected.name
    #expect(fromJSON == expected)
  }

  @Test func namesComeFromTheFile() throws {
    #expect(try HFConfig.model(path: Self.config("qwen3-32b.json")).name == "qwen3-32b")
  }

  @Test func qwen2HasAQKVBias() throws {
    let model = try HFConfig.model(path: Self.config("qwen2-7b-instruct.json"))
    #expect(model.qkvBias)
    #expect(model.kvHeads == 4 && model.headDim == 128 && model.layers == 28)
  }

  @Test func gpt2IsAPlainLearnedPositionModel() throws {
    let model = try HFConfig.model(path: Self.config("gpt2.json"))
    #expect(model.layers == 12 && model.hiddenSize == 768 && model.heads == 12)
    #expect(model.intermediateSize == 3072 && !model.gatedMLP && model.activation == .gelu)
    #expect(model.norm == .layernorm && model.positionEmbedding == .learned && model.tiedEmbeddings)
    #expect(model.maxContext == 1024)
    // 124M parameters (GPT-2 small), within 1%.
    #expect(abs(model.parameterCount - 124.4e6) / 124.4e6 < 0.01)
  }

  @Test func gptNeoXIsAPlainRotaryModel() throws {
    let model = try HFConfig.model(path: Self.config("pythia-1b.json"))
    #expect(model.layers == 16 && model.hiddenSize == 2048 && model.heads == 8)
    #expect(!model.gatedMLP && model.norm == .layernorm && model.positionEmbedding == .rope)
    #expect(model.qkvBias && !model.tiedEmbeddings)
  }

  @Test func unsupportedArchitectureIsNamed() throws {
    let error = #expect(throws: ConfigError.self) {
      try HFConfig.model(path: Self.config("gemma-2-2b.json"))
    }
    #expect(error?.keyPath == "architectures")
    #expect(error?.line == 2)
    #expect(error?.message.contains("'Gemma2ForCausalLM' is not supported") == true)
    #expect(error?.message.contains("LlamaForCausalLM") == true)
  }

  func error(_ json: String) throws -> ConfigError? {
    let path = NSTemporaryDirectory() + "servesim-hf-\(UUID().uuidString).json"
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return #expect(throws: ConfigError.self) { try HFConfig.model(path: path) }
  }

  @Test func badValuesNameTheKeyAndLine() throws {
    let llama = try String(contentsOfFile: Self.config("llama-3.1-8b-instruct.json"), encoding: .utf8)
    let missing = try error(llama.replacingOccurrences(of: "\"num_hidden_layers\": 32,", with: ""))
    #expect(missing?.keyPath == "num_hidden_layers")
    let wrong = try error(
      llama.replacingOccurrences(of: "\"hidden_size\": 4096", with: "\"hidden_size\": \"big\""))
    #expect(wrong?.keyPath == "hidden_size" && wrong?.line == 14)
    let indivisible = try error(
      llama.replacingOccurrences(of: "\"num_key_value_heads\": 8", with: "\"num_key_value_heads\": 7"))
    #expect(indivisible?.keyPath == "num_key_value_heads")
    let syntax = try error("{\"architectures\": [\"LlamaForCausalLM\"],\n\"hidden_size\": }")
    #expect(syntax?.line != nil)
    let notObject = try error("[1, 2]")
    #expect(notObject?.message.contains("JSON object") == true)
    let activation = try error(
      llama.replacingOccurrences(of: "\"hidden_act\": \"silu\"", with: "\"hidden_act\": \"tanh\""))
    #expect(activation?.keyPath == "hidden_act")
  }

  @Test func compactJSONIsRead() throws {
    let path = NSTemporaryDirectory() + "servesim-hf-\(UUID().uuidString).json"
    let json = """
      {"architectures":["MistralForCausalLM"],"hidden_size":4096,"intermediate_size":14336,\
      "max_position_embeddings":32768,"num_attention_heads":32,"num_hidden_layers":32,\
      "num_key_value_heads":8,"rms_norm_eps":1e-05,"vocab_size":32000,"sliding_window":null}
      """
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let model = try HFConfig.model(path: path)
    #expect(model.layers == 32 && model.kvHeads == 8)
  }

  @Test func aPlanMayNameAConfig() throws {
    let files = try TempPlan(
      plan: TempPlan.plan.replacingOccurrences(
        of: "model: model.yaml", with: "model: \(Self.config("mistral-7b-v0.1.json"))"))
    defer { files.remove() }
    let plan = try PlanLoader.load(
      path: files.planPath, overrides: [try Override(parsing: "model.num_hidden_layers=2")])
    #expect(plan.model.name == "mistral-7b-v0.1")
    #expect(plan.model.layers == 2)
  }
}
