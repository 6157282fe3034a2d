import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO
import ServeSimProfiler

struct Profile: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Time real kernels into a calibration store (SQLite), import other tools' profiles, export to CSV.",
    discussion: """
      Examples:
        servesim profile --device host --quick
        servesim profile --device host --quick --write-device clusters/host
        servesim profile --device host --db reports/calibration.sqlite --holdout reports/holdout.csv
        servesim profile --device cuda --db reports/h100.sqlite
        servesim profile --import path/to/vidur/compute/h100/meta-llama/Llama-2-7b-hf/mlp.csv --db reports/h100.sqlite
        servesim profile --export reports/calibration.csv
      After a run or an import the device's roofline parameters are fitted again
      and printed.
      """)

  enum Device: String, ExpressibleByArgument, CaseIterable { case host, cuda }

  @Option(help: "What to time: host (this CPU, through OpenBLAS) or cuda (NVIDIA GPUs, through PyTorch).")
  var device: Device = .host

  @Option(help: "The calibration store (created if missing).")
  var db = "reports/calibration.sqlite"

  @Flag(help: "A small grid that runs in under a minute.")
  var quick = false

  @Option(help: "Thread counts to time on the host (default: 1 and all cores).")
  var threads: [Int] = []

  @Option(help: "Seed of the random order of shapes.")
  var seed: UInt64 = 1

  @Option(help: "Write the off-grid shapes (timed, not stored) to this CSV, for `servesim cost --compare`.")
  var holdout: String?

  @Option(
    name: .customLong("import"),
    help: "Import a profile (Vidur mlp.csv, all_reduce.csv, send_recv.csv, or a servesim export); repeatable."
  )
  var imports: [String] = []

  @Option(help: "The device name imported rows get (default: from the Vidur path, e.g. h100).")
  var asDevice: String?

  @Option(help: "Export every measurement of the store to this CSV file.")
  var export: String?

  @Option(
    help:
      "SMs for tile and wave quantisation of fitted matrix products (default: compute_units of the device file matching the device's name; none for CPUs)."
  )
  var computeUnits: Int?

  @Option(help: "The project folder whose clusters/devices files give each device's compute_units.")
  var root = "."

  @Option(
    help:
      "host: also write DIR/devices/<name>.yaml and DIR/<name>.yaml (a one-device cluster a plan can name) from the fit; the store defaults to DIR/<name>.sqlite."
  )
  var writeDevice: String?

  @Option(
    help:
      "With --write-device: the device and cluster name (default: host- and the CPU model, e.g. host-amd-epyc-9r14)."
  )
  var name: String?

  @Flag(help: "cuda: run the PyTorch script on the CPU with tiny shapes (checks the script without a GPU).")
  var dryRun = false

  @Option(help: "cuda: the Python interpreter.")
  var python = "python3"

  @Option(help: "cuda: the profiling script.")
  var script = "scripts/profile_cuda.py"

  func validate() throws {
    if export != nil && !imports.isEmpty {
      throw ValidationError("--export and --import are separate runs; give one of them")
    }
    if threads.contains(where: { $0 < 1 }) { throw ValidationError("--threads must be 1 or more") }
    if asDevice != nil && imports.isEmpty { throw ValidationError("--as-device goes with --import") }
    if name != nil && writeDevice == nil { throw ValidationError("--name goes with --write-device") }
    if let name,
      name.isEmpty
        || name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
    {
      throw ValidationError("--name takes letters, digits, '-', '_' and '.', not '\(name)'")
    }
    if writeDevice != nil && (device != .host || !imports.isEmpty || export != nil) {
      throw ValidationError("--write-device goes with --device host (a profile of this machine)")
    }
  }

  static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

  func fail(_ error: CalibrationError) -> ExitCode {
    ExitStatus.fail(error)
  }

  func run() throws {
    let store: CalibrationStore
    do { store = try CalibrationStore(path: storePath) } catch { throw fail(error) }
    if let export {
      do {
        let rows = try store.measurements()
        _ = try AtomicWriter.write(
          [((export as NSString).lastPathComponent, CalibrationCSV.export(rows))],
          to: (export as NSString).deletingLastPathComponent.isEmpty
            ? "." : (export as NSString).deletingLastPathComponent)
        print("exported \(rows.count) measurements to \(export)")
      } catch let error as CalibrationError {
        throw fail(error)
      }
      return
    }
    var touched = Set<String>()
    if !imports.isEmpty {
      for file in imports { touched.formUnion(try importFile(file, into: store)) }
    } else {
      switch device {
      case .host: touched.formUnion(try profileHost(into: store))
      case .cuda: touched.formUnion(try profileCUDA(into: store))
      }
    }
    for name in touched.sorted() { try refit(name, store: store) }
    if let writeDevice { try writeHostDevice(to: writeDevice, store: store, devices: touched) }
  }

  /// Units for the fit of a device (see `--compute-units`): the
  /// `compute_units` of the device file whose name matches (none for CPUs and
  /// devices without a file).
  func units(for name: String) -> Int {
    if let computeUnits { return computeUnits }
    guard let spec = CalibrationInputs.device(matching: name, root: root), spec.kind != .cpu else { return 0 }
    return spec.computeUnits
  }

  func refit(_ name: String, store: CalibrationStore) throws {
    let fits: [OperatorFit]
    do { fits = try store.refit(device: name, computeUnits: units(for: name), at: Self.now()) } catch {
      throw fail(error)
    }
    print("fitted \(name):")
    print(FitTable.render(fits))
  }

  func importFile(_ file: String, into store: CalibrationStore) throws -> Set<String> {
    do {
      var rows: [KernelMeasurement]
      if VidurImport.recognises(file: file) {
        guard let name = asDevice ?? VidurImport.device(fromPath: file) else {
          throw CalibrationError.badInput(
            file: file, line: nil, column: nil,
            message: "cannot tell the device from the path; name it with --as-device")
        }
        rows = try VidurImport.read(file: file, device: name, importedAt: Self.now())
      } else {
        rows = try CalibrationCSV.readExport(file: file)
        if let asDevice { for i in rows.indices { rows[i].device = asDevice } }
      }
      let untimed = rows.filter { $0.medianUs <= 0 }.count
      rows.removeAll { $0.medianUs <= 0 }
      try store.insert(rows)
      let devices = Set(rows.map(\.device))
      print("imported \(rows.count) measurements from \(file) (\(devices.sorted().joined(separator: ", ")))")
      if untimed > 0 { print("skipped \(untimed) rows without a time (a shape plan)") }
      return devices
    } catch let error as CalibrationError {
      throw fail(error)
    }
  }

  func profileHost(into store: CalibrationStore) throws -> Set<String> {
    let host = HostInfo.current()
    // A device file stands for the machine on all cores: only that is timed by default.
    let counts =
      threads.isEmpty ? (writeDevice != nil ? [host.cores] : Array(Set([1, host.cores])).sorted()) : threads
    let timer = quick ? KernelTimer(minRepeats: 9, maxRepeats: 100, budgetSeconds: 0.25) : KernelTimer()
    let profiler = HostProfiler(
      grid: ProfileGrid.host(quick: quick, dtypes: BLAS.hasBF16 ? [.fp32, .bf16] : [.fp32]),
      timer: timer, threadCounts: counts, seed: seed)
    print("profiling \(host.processor), \(host.cores) cores, \(host.blas)")
    if !BLAS.hasBF16 { print("this OpenBLAS has no cblas_sbgemm: matrix products are timed in fp32 only") }
    let started = Self.now()
    let clock = ContinuousClock()
    let begin = clock.now
    var lastPercent = -10
    let result = profiler.run(host: host) { done, total in
      let percent = done * 100 / max(total, 1)
      if percent >= lastPercent + 10 {
        lastPercent = percent
        FileHandle.standardError.write(Data("  \(done)/\(total) shapes\n".utf8))
      }
    }
    let elapsed = begin.duration(to: clock.now)
    do {
      try store.insert(result.measurements)
      try store.record(
        ProfileRunRecord(
          device: counts.map { HostProfiler.deviceName(threads: $0, cores: host.cores) }.joined(
            separator: ","),
          backend: "openblas", backendVersion: host.blas, host: host.hostname, processor: host.processor,
          cores: host.cores, startedAt: started, finishedAt: Self.now(), rows: result.measurements.count,
          notes:
            "grid \(quick ? "quick" : "full"), seed \(seed), threads \(counts.map(String.init).joined(separator: "/")), busy blocks re-timed \(result.retriedBlocks), rows flagged busy \(result.flaggedRows)"
        ))
      if let holdout {
        let folder = (holdout as NSString).deletingLastPathComponent
        _ = try AtomicWriter.write(
          [((holdout as NSString).lastPathComponent, CalibrationCSV.export(result.holdouts))],
          to: folder.isEmpty ? "." : folder)
        print("wrote \(result.holdouts.count) hold-out shapes to \(holdout)")
      }
    } catch let error as CalibrationError {
      throw fail(error)
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print(
      "timed \(result.measurements.count + result.holdouts.count) shapes in \(String(format: "%.1f", seconds)) s; stored \(result.measurements.count) in \(storePath)"
    )
    if result.retriedBlocks > 0 || result.flaggedRows > 0 {
      Terminal.warn(
        "the machine looked busy: \(result.retriedBlocks) blocks re-timed, \(result.flaggedRows) rows flagged (left out of the fit)"
      )
    }
    return Set(result.measurements.map(\.device))
  }

  func profileCUDA(into store: CalibrationStore) throws -> Set<String> {
    let output = NSTemporaryDirectory() + "servesim-cuda-\(ProcessInfo.processInfo.processIdentifier).csv"
    defer { try? FileManager.default.removeItem(atPath: output) }
    var arguments = [script, "--out", output]
    if quick { arguments.append("--quick") }
    if dryRun { arguments.append("--dry-run") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python] + arguments
    do { try process.run() } catch {
      throw ExitStatus.fail(
        "cannot run \(python) \(script): \(error.localizedDescription)", status: ExitStatus.cannotRun)
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ExitStatus.fail(
        "\(script) failed with status \(process.terminationStatus)", status: ExitStatus.cannotRun)
    }
    return try importFile(output, into: store)
  }
}
