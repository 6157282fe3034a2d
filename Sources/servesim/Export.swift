import ArgumentParser
import ServeSimIO

extension ExportEngine: ExpressibleByArgument {}

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the command that launches a plan on a real serving engine.",
    discussion: """
      Sets the plan's tensor, pipeline, data and expert parallelism, max sequences, \
      batched tokens, chunked prefill, quantisation, KV-cache dtype, prefix caching, \
      block size and memory share, with the flags of the plan's engine version \
      (`engine: {name: vllm, version: "0.6"}`) when exported to its engine, else of \
      the target's newest modelled version (vLLM 0.6, 0.8, 0.11, 0.14; SGLang 0.4, 0.5; \
      TensorRT-LLM 0.19, 1.0 via trtllm-serve; llama.cpp's llama-server with its \
      slots, context, batch, micro-batch, threads and unified cache). The memory share is converted \
      where the engines mean different things by it. Notes what the engine has \
      no flag for.

      Examples:
        servesim export vllm plans/quickstart.yaml
        servesim export sglang plans/llama-3.1-70b-dgx-h100-dp2-tp4.yaml
        servesim export trtllm plans/quickstart.yaml --model /models/llama-3.1-8b > launch.sh
        servesim export llamacpp plans/llama-3.2-1b-apple-m2.yaml
      """)

  @Argument(help: "The engine: \(ExportEngine.allCases.map(\.rawValue).joined(separator: ", ")).")
  var engine: ExportEngine

  @OptionGroup var arguments: PlanArguments

  @Option(help: "The model's Hugging Face ID or local path (default: the shipped model's repository).")
  var model: String?

  func run() throws {
    let plan = try arguments.load()
    print(LaunchCommand.script(plan, engine: engine, model: model), terminator: "")
  }
}
