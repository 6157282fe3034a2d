import Foundation
import Testing

@testable import ServeSim
@testable import ServeSimIO

/// The store's snapshot (issue 10): written on the first load, read while the
/// store is unchanged, pricing exactly as the store.
@Suite struct CalibrationSnapshotTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  func measurement(_ op: CalibrationOp, m: Int, us: Double) -> KernelMeasurement {
    KernelMeasurement(
      device: "h100", backend: "pytorch", backendVersion: "2.11", op: op, dtype: .bf16,
      shape: OperatorShape(m: m, n: 4096, k: 4096, bytes: op == .gemm ? 0 : m * 1024), medianUs: us,
      spreadUs: 0.5, repeats: 25, measuredAt: "2026-11-30T16:00:00Z", host: "gpu-1")
  }

  @Test func snapshotIsWrittenReadAndPricesAsTheStore() throws {
    let folder = NSTemporaryDirectory() + "servesim-snapshot-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/store.sqlite"
    let store = try CalibrationStore(path: path)
    try store.insert([
      measurement(.gemm, m: 16, us: 10), measurement(.gemm, m: 64, us: 14),
      measurement(.gemm, m: 256, us: 40),
      measurement(.rmsnorm, m: 16, us: 3), measurement(.rmsnorm, m: 256, us: 5),
    ])
    try store.refit(device: "h100", computeUnits: 132, at: "2026-11-30T16:00:00Z")
    let direct = try store.calibration(for: nil)
    let snapshotPath = CalibrationSnapshot.path(for: path)
    #expect(!FileManager.default.fileExists(atPath: snapshotPath))
    let first = try CalibrationSnapshot.calibration(path: path, device: nil, for: nil)
    #expect(FileManager.default.fileExists(atPath: snapshotPath))
    let second = try CalibrationSnapshot.calibration(path: path, device: nil, for: nil)
    #expect(first == second)
    #expect(second.table == direct.table)
    #expect(second.fits == direct.fits)
    let family = MeasurementTable.Family(op: .gemm, dtype: .bf16, a: 4096, b: 4096)
    for m in [16.0, 40, 100, 256] {
      let work = OperatorWork(
        .gemm, shape: OperatorShape(m: Int(m), n: 4096, k: 4096), dtype: .bf16, kvDType: .bf16)
      #expect(
        second.seconds(family, work: work, m: m, n: 4096, k: 4096)?.seconds
          == direct.seconds(family, work: work, m: m, n: 4096, k: 4096)?.seconds)
    }
    // A snapshot of other bytes, or of a changed store, is not read.
    guard let key = CalibrationSnapshot.key(store: path) else {
      Issue.record("no key")
      return
    }
    let bytes = try #require(FileManager.default.contents(atPath: snapshotPath))
    #expect(CalibrationSnapshot.decode([UInt8](bytes), key: key) != nil)
    var other = key
    other.storeHash &+= 1
    #expect(CalibrationSnapshot.decode([UInt8](bytes), key: other) == nil)
    #expect(CalibrationSnapshot.decode([UInt8](bytes.dropLast()), key: key) == nil)
    try store.insert([measurement(.gemm, m: 1024, us: 120)])
    let changed = try CalibrationSnapshot.calibration(path: path, device: nil, for: nil)
    #expect(changed.table.curves[family]?.count == 4)
  }

  @Test func shippedStoreSnapshotMatchesTheStore() throws {
    let path = Self.root.appendingPathComponent("clusters/profiles/h100.sqlite").path
    guard FileManager.default.fileExists(atPath: path) else { return }
    let direct = try CalibrationStore.open(existing: path).calibration(for: nil)
    let key = try #require(CalibrationSnapshot.key(store: path))
    let snapshot = try CalibrationSnapshot(store: CalibrationStore.open(existing: path))
    let read = try #require(CalibrationSnapshot.decode(snapshot.encoded(key: key), key: key))
    #expect(read == snapshot)
    #expect(read.calibrations[direct.device]?.table == direct.table)
    #expect(read.calibrations[direct.device]?.fits == direct.fits)
  }
}
