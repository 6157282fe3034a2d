import ArgumentParser
import ServeSim
import ServeSimIO

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
