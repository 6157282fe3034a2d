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

  @Test func theShippedStoresFP8GEMMsAreBlockScaled() throws {
    // DeepGEMM's kernels (scripts/build-calibration), on the H100 and on
    // every device that carries its fits over.
    for name in ["h100-sxm.yaml", "h200-sxm.yaml", "b200.yaml", "mi300x.yaml"] {
      #expect(try Self.device(name).calibration?.fp8GEMMScaling == .block)
    }
    #expect(try Self.device("a100-sxm-80gb.yaml").calibration?.fp8GEMMScaling == .tensor)
  }

  @Test func theHopperFilesPriceTensorRTLLMsContextKernelApart() throws {
    for name in ["h100-sxm.yaml", "h200-sxm.yaml"] {
      let device = try Self.device(name)
      #expect(
        device.attentionTiles
          == AttentionTiles(share: 0.68, tileUs: 5, decodeBandwidth: 0.88, decodeTileUs: 3.5))
      #expect(device.trtllmAttentionTiles == AttentionTiles(share: 0.58, tileUs: 8))
    }
    #expect(try Self.device("b200.yaml").trtllmAttentionTiles == nil)
    let folder = NSTemporaryDirectory() + "servesim-device-tiles-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/gpu.yaml"
    try (TempPlan.device + "\nattention_tiles: {share: 0.7, tile_us: 5, trtllm: {share: 0.6, tile: 8}}\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: ConfigError.self) { try SpecDecoders.device(try YAMLFile(path: path, referencedBy: nil)) }
  }

  /// The error of loading the test device with `calibration` as its
  /// `calibration:` value (nil: it loaded).
  static func refusal(_ calibration: String) throws -> ConfigError? {
    let folder = NSTemporaryDirectory() + "servesim-device-calibration-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/gpu.yaml"
    try (TempPlan.device + "\ncalibration: \(calibration)\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try SpecDecoders.device(try YAMLFile(path: path, referencedBy: nil))
      return nil
    } catch {
      return error
    }
  }

  @Test func anFP8ScalingOutsideTheTwoKindsIsRefused() throws {
    let store = Self.root + "/clusters/profiles/h100.sqlite"
    let error = try #require(try Self.refusal("{file: \(store), fp8_gemm_scaling: blocks}"))
    #expect(error.keyPath == "calibration.fp8_gemm_scaling")
    #expect(error.message.contains("'blocks'") && error.message.contains("tensor, block"))
  }

  @Test func aMissingStoreSaysHowToBuildIt() throws {
    let error = try #require(try Self.refusal("missing.sqlite"))
    #expect(error.keyPath == "calibration")
    #expect(error.message.contains("no such file") && error.message.contains("scripts/build-calibration"))
  }

  @Test func theAMDGPUsTakeTheirFP8ComputeRateFromTheirOwnGEMMs() throws {
    // scripts/build-calibration: aiter's tuned fp8 block-scaled GEMMs of each
    // GPU (MI300X: 304 compute units, MI355X: 256) laid over the carried H100
    // fits (`matmul_rates`): their rate, tile and units; the carried launch
    // floor and bandwidth; the MI355X's kernel splits k up to 14 ways.
    for (file, store, split) in [
      ("mi300x.yaml", "mi300x", 1), ("mi325x.yaml", "mi300x", 1), ("mi355x.yaml", "mi355x", 14),
    ] {
      let device = try Self.device(file)
      let own = try CalibrationStore.open(existing: Self.root + "/clusters/profiles/\(store).sqlite")
        .calibration(device: nil, for: nil)
      let ownFP8 = try #require(own.fit(.gemm, dtype: .fp8))
      let fp8 = try #require(device.calibration?.fit(.gemm, dtype: .fp8))
      var plain = device
      plain.calibration = nil
      let h100 = try Self.device("h100-sxm.yaml")
      let carried = try #require(
        h100.calibration?.transferred(from: h100, to: plain).fit(.gemm, dtype: .fp8))
      #expect(fp8.secondsPerFlop == ownFP8.secondsPerFlop && fp8.computeUnits == ownFP8.computeUnits)
      #expect(fp8.tileM == ownFP8.tileM && fp8.tileN == ownFP8.tileN && fp8.maxSplitK == split)
      #expect(fp8.secondsPerByte == carried.secondsPerByte && fp8.launchSeconds == carried.launchSeconds)
      // Measured: about 30% of the MI300X's fp8 peak, not the H100's share.
      #expect(fp8.secondsPerFlop > 1.5 * carried.secondsPerFlop)
      // Formats the store does not fit keep the carried fit.
      #expect(
        device.calibration?.fit(.gemm, dtype: .bf16)
          == h100.calibration?.transferred(
            from: h100, to: plain, collectives: false
          ).fit(.gemm, dtype: .bf16))
    }
  }

  @Test func aMissingMatmulRatesStoreOrSplitIsRefused() throws {
    let store = Self.root + "/clusters/profiles/h100.sqlite"
    let missing = try #require(try Self.refusal("{file: \(store), matmul_rates: missing.sqlite}"))
    #expect(missing.keyPath == "calibration.matmul_rates")
    #expect(missing.message.contains("no such file") && missing.message.contains("scripts/build-calibration"))
    let split = try #require(
      try Self.refusal("{file: \(store), matmul_rates: \(store), matmul_split_k: 0}"))
    #expect(split.keyPath == "calibration.matmul_split_k")
  }
}
