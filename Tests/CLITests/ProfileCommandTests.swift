import Foundation
import Testing

/// Runs the built `servesim` (shared by every command-line test).
enum CalibrationCLI {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static var binary: URL {
    let candidates = [
      Bundle.main.bundleURL.appendingPathComponent("servesim"),
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("servesim"),
      root.appendingPathComponent(".build/debug/servesim"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
  }

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ executable: URL, _ arguments: [String]) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = root
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  static func servesim(_ arguments: [String]) throws -> Run { try run(binary, arguments) }

  static func folder() throws -> String {
    let path = NSTemporaryDirectory() + "servesim-calibration-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

@Suite(.serialized) struct ProfileCommandTests {
  let vidur = "clusters/profiles/vidur"

  @Test func importsVidurFitsAndExports() throws {
    let folder = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let db = folder + "/h100.sqlite"
    let run = try CalibrationCLI.servesim([
      "profile", "--db", db, "--import", vidur + "/compute/h100/meta-llama/Llama-2-7b-hf/mlp.csv",
      "--import", vidur + "/network/h100_dgx/all_reduce.csv",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("imported 9396 measurements"))
    #expect(run.stdout.contains("fitted h100:") && run.stdout.contains("gemm"))
    #expect(run.stdout.contains("all_reduce"))
    let export = try CalibrationCLI.servesim(["profile", "--db", db, "--export", folder + "/all.csv"])
    #expect(export.status == 0)
    let text = try String(contentsOfFile: folder + "/all.csv", encoding: .utf8)
    #expect(text.hasPrefix("device,backend,backend_version,op,dtype,kv_dtype,m,n,k,"))
    #expect(text.split(separator: "\n").count == 9396 + 2982 + 1)
  }

  @Test func badImportNamesTheFileAndExits64() throws {
    let folder = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "a,b\n1,2\n".write(toFile: folder + "/odd.csv", atomically: true, encoding: .utf8)
    let run = try CalibrationCLI.servesim([
      "profile", "--db", folder + "/s.sqlite", "--import", folder + "/odd.csv",
    ])
    #expect(run.status == 64)
    #expect(run.stderr.contains("odd.csv:1: column 'op'"))
  }

  @Test func hostProfileFillsAStoreOnATinyGrid() throws {
    // --threads 1 and the quick grid keep this short; it checks the command
    // and the store, not the speed of the machine.
    let folder = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let db = folder + "/host.sqlite"
    let run = try CalibrationCLI.servesim([
      "profile", "--device", "host", "--quick", "--threads", "1", "--db", db, "--holdout",
      folder + "/holdout.csv", "--write-device", folder + "/host", "--name", "box",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("stored") && run.stdout.contains("fitted host"))
    let holdout = try String(contentsOfFile: folder + "/holdout.csv", encoding: .utf8)
    #expect(holdout.contains(",holdout,"))
    // --write-device: a device and a one-device cluster file a plan names at once.
    let device = try String(contentsOfFile: folder + "/host/devices/box.yaml", encoding: .utf8)
    for key in ["peak_tflops:", "  fp32: ", "memory_gb: ", "memory_bandwidth_gbps: ", "compute_units: 1"] {
      #expect(device.contains(key), "\(key) in \(device)")
    }
    #expect(device.contains("calibration: {file: ../../host.sqlite, device: host"))
    #expect(device.contains("# MemTotal in /proc/meminfo"))
    let plan = [
      "name: on-box", "model: \(CalibrationCLI.root.path)/models/llama-3.2-1b.yaml", "cluster: host/box.yaml",
      "workload: \(CalibrationCLI.root.path)/workloads/edge-chat.yaml", "scheduler: {max_num_seqs: 4}",
    ]
    try plan.joined(separator: "\n").write(toFile: folder + "/plan.yaml", atomically: true, encoding: .utf8)
    let simulated = try CalibrationCLI.servesim([
      "simulate", folder + "/plan.yaml", "--out", folder + "/r", "--quiet",
    ])
    #expect(simulated.status == 0, "\(simulated.stderr)")
    #expect(FileManager.default.fileExists(atPath: folder + "/r/summary.csv"))
  }

  @Test func writeDeviceGoesWithAHostProfile() throws {
    let run = try CalibrationCLI.servesim(["profile", "--device", "cuda", "--write-device", "/tmp/x"])
    #expect(run.status == 64 && run.stderr.contains("--write-device goes with --device host"))
  }

  @Test func cudaScriptDryRunWorksWithoutAGPU() throws {
    let folder = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let out = folder + "/plan.csv"
    let script = try CalibrationCLI.run(
      URL(fileURLWithPath: "/usr/bin/env"), ["python3", "scripts/profile_cuda.py", "--dry-run", "--out", out])
    #expect(script.status == 0, "\(script.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    let lines = text.split(separator: "\n")
    #expect(lines.first?.hasPrefix("device,backend,backend_version,op,dtype,kv_dtype,m,n,k,") == true)
    for op in ["gemm", "attention_prefill", "attention_decode", "rmsnorm", "silu_mul", "rotary"] {
      #expect(lines.contains { $0.contains(",\(op),") })
    }
    // Through servesim: the rows (timed on the CPU when PyTorch is installed,
    // a plan without times otherwise) import into a store.
    let run = try CalibrationCLI.servesim([
      "profile", "--device", "cuda", "--dry-run", "--db", folder + "/c.sqlite",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("imported"))
  }
}
