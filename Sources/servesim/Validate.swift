import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Replay measured serving runs and price measured kernels (validation/); report servesim's errors against them.",
    discussion: """
      Prints the median errors (predicted / measured − 1) by suite, engine, GPU and metric, the \
      held-out part against the rest, the source rows skipped by reason, and last the median \
      |error| of TPOT/ITL, TTFT and throughput by part of the suite (device family and \
      feature), by engine and overall, all and held out, the run-to-run spread of repeated \
      configurations, and the planning choices (the option with the most output tok/s per device \
      within an SLO, picked by servesim's figures and judged by the measured ones); writes \
      DIR/validation.csv, DIR/validation.svg and DIR/decisions.csv. Kernel tables (deepgemm, aiter, aiconfigurator, aiconfigurator-mla, aiconfigurator-mla-decode, aiconfigurator-attention, aiconfigurator-attention-decode, nccl-tests) are priced \
      with the cost model as `servesim cost` prices them (metric kernel_us). Exit status: 0 done \
      (failed experiments are reported, not errors); 64 bad input.

      Examples:
        servesim validate
        servesim validate --suite trtllm-online --out /tmp/val
      """)

  @Option(
    help: "Run one suite: \(ValidationSuite.sources.map(\.name).joined(separator: ", ")) (default: all).")
  var suite: String?

  @Option(help: "The folder for validation.csv, validation.svg and decisions.csv.")
  var out = "reports/validation"

  @Option(help: "The folder holding validation/, models/ and clusters/ (default: the current folder).")
  var root = "."

  func run() throws {
    let start = Date()
    let rows: [ValidationRow]
    let loaded: ValidationSuite
    do {
      loaded = try ValidationSuite.load(root: root, suite: suite)
      rows = try loaded.run(root: root)
    } catch {
      Terminal.error(error.description)
      throw ExitCode(64)
    }
    print(ValidationReport.table(rows, skipped: loaded.skipped), terminator: "")
    do {
      for path in try ValidationReport.write(rows, to: out) { print("wrote \(path)") }
    } catch {
      Terminal.error("cannot write the reports to '\(out)': \(error)")
      throw ExitCode(1)
    }
    Terminal.note(String(format: "validated in %.1f s", Date().timeIntervalSince(start)))
  }
}
