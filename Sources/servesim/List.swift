import ArgumentParser
import ServeSimIO

extension Catalog.Kind: ExpressibleByArgument {}

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the shipped models, devices, clusters, workloads or plans, one line each.",
    discussion: """
      Examples:
        servesim list models
        servesim list plans --root /path/to/servesim
      """)

  @Argument(help: "What to list: \(Catalog.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: Catalog.Kind

  @Option(help: "The folder holding models/, clusters/, workloads/ and plans/ (default: the current folder).")
  var root = "."

  func run() throws {
    let entries = Catalog.entries(kind, root: root)
    if entries.isEmpty {
      throw ExitStatus.fail(
        "no \(kind.rawValue) under '\(root)/\(kind.folder)'; run from the project folder or pass --root",
        status: ExitStatus.badInput)
    }
    let width = min(entries.map(\.file.count).max() ?? 0, 60)
    for entry in entries {
      let padding = String(repeating: " ", count: max(width - entry.file.count, 0))
      print("\(entry.file)\(padding)  \(entry.summary)")
    }
    if entries.contains(where: { !$0.isValid }) { throw ExitCode(ExitStatus.cannotRun) }
  }
}
