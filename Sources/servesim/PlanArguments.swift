import ArgumentParser
import ServeSim
import ServeSimIO

/// The `--set` overrides of a plan or search file.
struct OverrideArguments: ParsableArguments {
  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Override a key: key.path=value (repeatable). model.*, workload.*, and in a plan cluster.* and cluster.device.*, reach the files named; an override that does not apply is an error.",
      valueName: "key.path=value"))
  var texts: [String] = []

  /// The parsed overrides.
  func parsed() throws(ConfigError) -> [Override] {
    var out = [Override]()
    for text in texts { out.append(try Override(parsing: text)) }
    return out
  }
}

/// The plan file and its `--set` overrides, shared by every command that loads a plan.
struct PlanArguments: ParsableArguments {
  @Argument(help: "The plan file (YAML).")
  var plan: String

  @OptionGroup var overrides: OverrideArguments

  /// Loads the plan; prints the error and exits 64 on bad input.
  ///
  /// - Parameter seed: replaces the plan's seed when given.
  func load(seed: UInt64? = nil) throws -> PlanSpec {
    do {
      return try PlanLoader.load(path: plan, overrides: try overrides.parsed(), seed: seed)
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}
