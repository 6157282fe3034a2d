import Foundation
import Testing

/// Runs every `servesim` command of the README and the tutorial, as written,
/// with the built tool in a scratch copy of the shipped input folders.
///
/// A command is a line of a fenced `sh` block that starts with `servesim `
/// (a line ending in `\` continues on the next). It must exit with status 0,
/// or with the status a `# exits N` comment on the line states. Other lines
/// (`scripts/quickstart`, `swift test`, `export PATH=...`) are not run.
@Suite(.serialized) struct ReadmeCommandsTests {
  /// The documents whose commands must run, with the least number of
  /// commands each must have (so a change that hides them fails).
  static let documents = [("README.md", 5), ("docs/tutorial.md", 8)]

  /// The folders copied into the scratch folder the commands run in (those
  /// that exist: `validation` holds the data of `servesim validate`).
  static let inputs = ["plans", "models", "clusters", "workloads", "validation"]

  /// One command of a document.
  struct Command {
    var line: Int
    var text: String
    var expectedStatus: Int32
  }

  /// The `servesim` commands of the fenced `sh` blocks of `markdown`.
  static func commands(in markdown: String) -> [Command] {
    var commands = [Command]()
    var inShell = false
    var pending: (line: Int, text: String)?
    for (index, raw) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("```") {
        inShell = !inShell && line == "```sh"
        pending = nil
        continue
      }
      guard inShell else { continue }
      var text = pending.map { $0.text + " " + line } ?? line
      let start = pending?.line ?? index + 1
      if text.hasSuffix("\\") {
        text.removeLast()
        pending = (start, text)
        continue
      }
      pending = nil
      guard text.hasPrefix("servesim ") else { continue }
      commands.append(Command(line: start, text: text, expectedStatus: expectedStatus(of: text)))
    }
    return commands
  }

  /// The status a `# exits N` comment states, else 0.
  static func expectedStatus(of command: String) -> Int32 {
    guard let comment = command.range(of: "# exits ") else { return 0 }
    let digits = command[comment.upperBound...].prefix { $0.isNumber }
    return Int32(digits) ?? 0
  }

  @Test func commandsAreFoundInFencedShellBlocks() {
    let markdown = """
      Text with servesim simulate x.yaml outside a block.
      ```sh
      scripts/quickstart
      servesim check plans/a.yaml --set parallelism.tensor=1   # exits 1
      servesim simulate plans/a.yaml \\
        --quiet
      ```
      ```yaml
      servesim: not a command
      ```
      """
    let found = Self.commands(in: markdown)
    #expect(
      found.map(\.text) == [
        "servesim check plans/a.yaml --set parallelism.tensor=1   # exits 1",
        "servesim simulate plans/a.yaml  --quiet",
      ])
    #expect(found.map(\.expectedStatus) == [1, 0])
    #expect(found.map(\.line) == [4, 5])
  }

  @Test(arguments: documents)
  func documentCommandsRun(document: String, atLeast: Int) throws {
    let root = CalibrationCLI.root
    let markdown = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
    let commands = Self.commands(in: markdown)
    #expect(commands.count >= atLeast, "\(document) has \(commands.count) servesim commands")
    let scratch = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    for folder in Self.inputs
    where FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).path) {
      try FileManager.default.copyItem(
        at: root.appendingPathComponent(folder), to: URL(fileURLWithPath: scratch + "/" + folder))
    }
    let tools = CalibrationCLI.binary.deletingLastPathComponent().path
    for command in commands {
      let script = "cd '\(scratch)' && PATH='\(tools)':\"$PATH\" && \(command.text)"
      let run = try CalibrationCLI.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
      #expect(
        run.status == command.expectedStatus,
        "\(document):\(command.line): `\(command.text)` exited \(run.status)\n\(run.stderr.suffix(2000))")
    }
  }
}
