import ArgumentParser
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
