import Foundation
import Testing

@testable import ServeSim
@testable import ServeSimIO

/// The calibration store (migrations, round trip), the Vidur importer, the
/// CSV layouts and the plan's `calibration:` key.
@Suite struct CalibrationStoreTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  func temporary(_ name: String) -> String {
    NSTemporaryDirectory() + "servesim-calibration-" + UUID().uuidString + "/" + name
  }

  func sample(_ op: CalibrationOp = .gemm, m: Int = 64, us: Double = 12.5, device: String = "h100")
    -> KernelMeasurement
  {
    KernelMeasurement(
      device: device, backend: "pytorch", backendVersion: "2.11, CUDA 12.8", op: op, dtype: .bf16,
      shape: OperatorShape(m: m, n: 4096, k: 4096), medianUs: us, spreadUs: 0.5, repeats: 25,
      threads: 0, measuredAt: "2026-11-27T05:00:00Z", host: "gpu-1", label: "label, with comma",
      flagged: true)
  }

  @Test func migrationsAreNamedAndApplied() throws {
    let path = temporary("store.sqlite")
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    let store = try CalibrationStore(path: path)
    #expect(
      try store.appliedMigrations() == [
        "v1-measurement", "v2-measurement-threads-label-flag", "v3-fit", "v4-profile-run",
      ])
    // Opening again applies nothing new and keeps the data.
    try store.insert([sample()])
    let again = try CalibrationStore(path: path)
    #expect(try again.measurements().count == 1)
  }

  @Test func measurementsFitsAndRunsRoundTrip() throws {
    let path = temporary("store.sqlite")
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    let store = try CalibrationStore(path: path)
    let rows = [sample(m: 1, us: 10), sample(m: 64, us: 12.5), sample(m: 4096, us: 900, device: "a100")]
    try store.insert(rows)
    #expect(try store.measurements() == rows)
    #expect(try store.measurements(device: "h100") == Array(rows.prefix(2)))
    #expect(try store.devices() == ["a100", "h100"])
    let fit = OperatorFit(
      op: .gemm, dtype: .bf16, launchSeconds: 5e-6, secondsPerFlop: 1 / 700e12, secondsPerByte: 1 / 3e12,
      tileM: 128, tileN: 64, computeUnits: 132, residual: 0.07, points: 2)
    let collective = OperatorFit(
      op: .allReduce, dtype: nil, ranks: 8, launchSeconds: 20e-6, secondsPerFlop: 0,
      secondsPerByte: 1 / 200e9, residual: 0.1, points: 30)
    try store.replaceFits(device: "h100", with: [fit, collective], at: "now")
    let back = try store.fits(device: "h100")
    #expect(back.count == 2)
    let gemm = try #require(back.first { $0.op == .gemm })
    #expect(gemm.tileM == 128 && gemm.computeUnits == 132 && gemm.residual == 0.07)
    #expect(abs(gemm.secondsPerFlop * 700e12 - 1) < 1e-9)
    #expect(back.first { $0.op == .allReduce }?.ranks == 8)
    // Replacing keeps one set.
    try store.replaceFits(device: "h100", with: [fit], at: "later")
    #expect(try store.fits(device: "h100").count == 1)
    let run = ProfileRunRecord(
      device: "host", backend: "openblas", backendVersion: "0.3.21", host: "vm", processor: "AMD EPYC",
      cores: 2, startedAt: "a", finishedAt: "b", rows: 3, notes: "quick")
    try store.record(run)
    #expect(try store.runs().first?.processor == "AMD EPYC")
  }

  @Test func calibrationPicksTheDeviceByName() throws {
    let path = temporary("store.sqlite")
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    let store = try CalibrationStore(path: path)
    try store.insert([sample(device: "h100"), sample(device: "a100")])
    var spec = DeviceSpecFixture.device
    spec.name = "NVIDIA H100 SXM5 80GB"
    #expect(try store.calibration(for: spec).device == "h100")
    #expect(try store.calibration(device: "a100", for: spec).device == "a100")
    spec.name = "Ascend 910B"
    #expect(throws: CalibrationError.self) { try store.calibration(for: spec) }
    #expect(throws: CalibrationError.self) { try store.calibration(device: "h200", for: spec) }
  }

  @Test func importsVidurComputeAndNetworkProfiles() throws {
    let base = Self.root.path + "/clusters/profiles/vidur"
    let mlp = base + "/compute/h100/meta-llama/Llama-2-7b-hf/mlp.csv"
    #expect(VidurImport.device(fromPath: mlp) == "h100")
    #expect(VidurImport.device(fromPath: base + "/network/a100_dgx/all_reduce.csv") == "a100")
    let rows = try VidurImport.read(file: mlp, device: "h100", importedAt: "t")
    // Nine operators per row (the embedding is not imported).
    #expect(rows.count == 1044 * 9)
    // Llama-2-7B: 32 heads of 128, hidden 4096, MLP 11008 (gated).
    let qkv = try #require(rows.first { $0.label.hasPrefix("attn_pre_proj") && $0.label.hasSuffix("tp2") })
    #expect(qkv.op == .gemm && qkv.shape.n == 3 * 4096 / 2 && qkv.shape.k == 4096 && qkv.dtype == .fp16)
    let up = try #require(rows.first { $0.label.hasPrefix("mlp_up_proj") && $0.label.hasSuffix("tp1") })
    #expect(up.shape.n == 2 * 11008 && up.shape.k == 4096)
    let down = try #require(rows.first { $0.label.hasPrefix("mlp_down_proj") && $0.label.hasSuffix("tp4") })
    #expect(down.shape.n == 4096 && down.shape.k == 11008 / 4)
    #expect(rows.allSatisfy { $0.medianUs > 0 })
    let network = try VidurImport.read(
      file: base + "/network/h100_dgx/all_reduce.csv", device: "h100", importedAt: "t")
    #expect(!network.isEmpty && network.allSatisfy { $0.op == .allReduce && $0.shape.ranks >= 2 })
    #expect(Set(network.map(\.shape.ranks)) == [2, 4, 8])
    let sendRecv = try VidurImport.read(
      file: base + "/network/h100_dgx/send_recv.csv", device: "h100", importedAt: "t")
    #expect(sendRecv.allSatisfy { $0.op == .sendRecv })
  }

  @Test func exportReadsBackAndPricesAsAnOperatorList() throws {
    let path = temporary("export.csv")
    let folder = (path as NSString).deletingLastPathComponent
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let rows = [sample(m: 1, us: 10), sample(.gemm, m: 8, us: 11)]
    try Data(CalibrationCSV.export(rows)).write(to: URL(fileURLWithPath: path))
    #expect(try CalibrationCSV.readExport(file: path) == rows)
    let (header, list) = try CalibrationCSV.readOperators(file: path)
    #expect(header.contains("measured_us") && list.count == 2 && list[1].measuredUs == 11)
    #expect(list[0].fields.count == CalibrationCSV.exportColumns.count)
  }

  @Test func badOperatorListsNameLineAndColumn() throws {
    let folder = NSTemporaryDirectory() + "servesim-ops-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let header = CalibrationCSV.operatorColumns.joined(separator: ",")
    func error(_ body: String) throws -> CalibrationError? {
      let file = folder + "/ops.csv"
      try (header + "\n" + body + "\n").write(toFile: file, atomically: true, encoding: .utf8)
      do {
        _ = try CalibrationCSV.readOperators(file: file)
        return nil
      } catch {
        return error
      }
    }
    let unknown = try error("gemm,bf16,,1,2,3,,,,,,,,\nconv,bf16,,,,,,,,,,,,")
    #expect(unknown?.description.contains("ops.csv:3: column 'op': unknown operator 'conv'") == true)
    let missing = try error("gemm,bf16,,16,4096,,,,,,,,,")
    #expect(missing?.description.contains(":2: column 'k': gemm needs 'k'") == true)
    let notNumber = try error("all_reduce,bf16,,,,,,,,,,,1e3x,8")
    #expect(notNumber?.description.contains(":2: column 'bytes': '1e3x' is not a number") == true)
    let dtype = try error("gemm,bf17,,1,2,3,,,,,,,,")
    #expect(dtype?.description.contains("column 'dtype': unknown dtype 'bf17'") == true)
    #expect(dtype?.isBadInput == true)
  }

  @Test func planCalibrationKeyLoadsTheStoreRelativeToThePlan() throws {
    let files = try TempPlan(plan: TempPlan.plan + "\ncalibration: profiles/round.sqlite\n")
    defer { files.remove() }
    let store = try CalibrationStore(path: files.path("profiles/round.sqlite"))
    try store.insert([sample(device: "round")])
    let plan = try PlanLoader.load(path: files.planPath)
    #expect(plan.calibration?.device == "round")
    // Loaded through the store's snapshot: the rows' curve, not the rows.
    #expect(plan.calibration?.table.curves.count == 1)
    // A missing store names the plan's key.
    let broken = try TempPlan(plan: TempPlan.plan + "\ncalibration: nowhere.sqlite\n")
    defer { broken.remove() }
    #expect {
      _ = try PlanLoader.load(path: broken.planPath)
    } throws: { error in
      "\(error)".contains("key 'calibration'") && "\(error)".contains("no such file")
    }
  }
}

extension CalibrationStoreTests {
  @Test func summaryTableShowsSharesAndWarnsOnADatasheetMajority() throws {
    let files = try TempPlan()
    defer { files.remove() }
    let plan = try PlanLoader.load(path: files.planPath)
    var simulator = try Simulator(plan: plan)
    let result = try simulator.run()
    var summary = Summary(result)
    let datasheet = SummaryTable.costSourceLine(summary, calibration: nil)
    #expect(
      datasheet.hasPrefix("cost source: measured 0.0%, fitted 0.0%, datasheet 100.0% (no calibration store)"))
    #expect(datasheet.contains("warning: more than half"))
    summary.timeShares.measured = 0.7
    summary.timeShares.fitted = 0.2
    summary.timeShares.datasheet = 0.1
    let calibrated = SummaryTable.costSourceLine(
      summary, calibration: Calibration(device: "h100", measurements: [], fits: []))
    #expect(calibrated == "cost source: measured 70.0%, fitted 20.0%, datasheet 10.0% (calibration: h100)")
  }
}

/// A device spec to rename in tests.
enum DeviceSpecFixture {
  static let device = DeviceSpec(
    name: "round", kind: .gpu, peakTFLOPS: [.bf16: 100], memoryGB: 20, memoryBandwidthGBps: 1000,
    idlePowerW: 100, maxPowerW: 500, pricePerHourUSD: 2, computeUnits: 100, computeEfficiency: 1,
    memoryEfficiency: 1, attentionEfficiency: 0.5, kernelLaunchUs: 10, graphKernelUs: 1,
    runtimeOverheadGB: 0)
}
