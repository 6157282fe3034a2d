import Foundation
import Testing

@testable import ServeSimIO

/// `servesim profile` takes a device's SMs from its device file's `compute_units`.
@Suite struct DeviceMatchTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  @Test(arguments: [
    ("h100", 132), ("h200", 132), ("a100", 108), ("NVIDIA H100 SXM5 80GB", 132), ("mi300x", 304),
  ])
  func storeNamesFindTheirDeviceFile(name: String, units: Int) {
    #expect(CalibrationInputs.device(matching: name, root: Self.root)?.computeUnits == units)
  }

  @Test func hostAndUnknownNamesFindNone() {
    #expect(CalibrationInputs.device(matching: "host", root: Self.root) == nil)
    #expect(CalibrationInputs.device(matching: "host-1t", root: Self.root) == nil)
    #expect(CalibrationInputs.device(matching: "mi250x", root: Self.root) == nil)
  }

  @Test func theFiguresComeFromTheFileNotTheName() throws {
    let root = NSTemporaryDirectory() + "servesim-devices-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(
      atPath: root + "/clusters/devices", withIntermediateDirectories: true)
    let shipped = try String(contentsOfFile: Self.root + "/clusters/devices/h100-sxm.yaml", encoding: .utf8)
    // Without the shipped store beside it (the figure under test is the SM count).
    let edited = shipped.replacingOccurrences(of: "compute_units: 132", with: "compute_units: 114")
      .split(separator: "\n").filter { !$0.hasPrefix("calibration:") }.joined(separator: "\n")
    #expect(edited != shipped)
    try edited.write(toFile: root + "/clusters/devices/h100-pcie.yaml", atomically: true, encoding: .utf8)
    #expect(CalibrationInputs.device(matching: "h100", root: root)?.computeUnits == 114)
  }
}
