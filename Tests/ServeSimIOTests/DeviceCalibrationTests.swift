import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// A device file's `calibration:` key.
@Suite struct DeviceCalibrationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  static func device(_ name: String) throws -> DeviceSpec {
    try SpecDecoders.device(try YAMLFile(path: root + "/clusters/devices/" + name, referencedBy: nil))
  }

  @Test func theH200CarriesTheH100FitsOverByTheDatasheets() throws {
    let h100 = try Self.device("h100-sxm.yaml")
    let h200 = try Self.device("h200-sxm.yaml")
    let measured = try #require(h100.calibration)
    let carried = try #require(h200.calibration)
    #expect(!measured.measuredElsewhere && carried.measuredElsewhere)
    let own = try #require(measured.fit(.gemm, dtype: .bf16))
    let moved = try #require(carried.fit(.gemm, dtype: .bf16))
    let ratio = h200.memoryBandwidthGBps / h100.memoryBandwidthGBps
    #expect(abs(own.secondsPerByte / moved.secondsPerByte - ratio) < 1e-9)
    #expect(own.launchSeconds == moved.launchSeconds)
  }

  @Test func aMissingStoreSaysHowToBuildIt() throws {
    let folder = NSTemporaryDirectory() + "servesim-device-store-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/gpu.yaml"
    try (TempPlan.device + "\ncalibration: missing.sqlite\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try SpecDecoders.device(try YAMLFile(path: path, referencedBy: nil))
      Issue.record("expected an error")
    } catch {
      #expect(error.keyPath == "calibration")
      #expect(error.message.contains("no such file") && error.message.contains("scripts/build-calibration"))
    }
  }
}
