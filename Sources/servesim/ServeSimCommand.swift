import ArgumentParser
import ServeSimIO

@main
struct ServeSimCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "servesim",
    abstract: "Simulate how a large language model is served on a cluster.",
    discussion: """
      Examples:
        servesim simulate plans/quickstart.yaml
        servesim simulate plans/llama-3.1-70b-dgx-h100-tp8.yaml --set workload.arrival.rate_per_s=8
        servesim simulate plans/quickstart.yaml --set parallelism.tensor=2 --out reports/tp2
        servesim simulate plans/quickstart.yaml --trace
        servesim check plans/llama-3.1-70b-dgx-h100-tp8.yaml
        servesim list plans
        servesim export vllm plans/quickstart.yaml
        servesim --generate-completion-script bash > servesim.bash
      """,
    version: ServeSimVersion.current,
    subcommands: [
      Simulate.self, Check.self, List.self, Export.self, Profile.self, Cost.self, Search.self, Validate.self,
    ])
}
