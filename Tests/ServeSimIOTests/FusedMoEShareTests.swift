import Foundation
import ServeSim
import Testing

@testable import ServeSimIO

/// The engines' fused-MoE compute shares against the measured kernels they
/// were fitted on (clusters/profiles/aiconfigurator/moe_perf_subset.csv).
@Suite struct FusedMoEShareTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// One measured kernel: the row's index in the file, its GPU, engine,
  /// model, weight format, tokens, MoE tensor and expert parallelism, and
  /// milliseconds.
  struct Kernel {
    var index: Int
    var gpu: String
    var engine: EngineKind
    var model: String
    var dtype: String
    var tokens: Double
    var tensor: Int
    var expert: Int
    var ms: Double
  }

  static func kernels() throws -> [Kernel] {
    let table = try CSVTable(file: root + "/clusters/profiles/aiconfigurator/moe_perf_subset.csv")
    func column(_ name: String) throws -> Int { try #require(table.index(name)) }
    let (gpu, engine, model, dtype) = (
      try column("gpu"), try column("engine"), try column("model"), try column("moe_dtype")
    )
    let (tokens, tensor, expert, ms) = (
      try column("num_tokens"), try column("moe_tp_size"), try column("moe_ep_size"), try column("latency_ms")
    )
    return try table.rows.enumerated().map { index, row in
      let f = { (i: Int) in table.field(row, i) }
      return Kernel(
        index: index, gpu: f(gpu), engine: f(engine) == "sglang" ? .sglang : .trtllm, model: f(model),
        dtype: f(dtype), tokens: try #require(Double(f(tokens))), tensor: try #require(Int(f(tensor))),
        expert: try #require(Int(f(expert))), ms: try #require(Double(f(ms))))
    }
  }

  /// Median |predicted / measured − 1| of `engine`'s H100 and H200 kernels
  /// whose index has `parity`, with its fused MoE at `share`.
  static func medianError(
    _ kernels: [Kernel], engine: EngineKind, parity: Int, share: Double, devices: [String: DeviceSpec],
    models: [String: ModelSpec]
  ) throws -> Double {
    let link = LinkSpec(kind: "nvlink", bandwidthGBps: 450, latencyUs: 3, efficiency: 1, topology: "switch")
    var errors = [Double]()
    for k in kernels where k.engine == engine && k.gpu != "B200" && k.index % 2 == parity {
      let device = try #require(devices[k.gpu])
      var model = try #require(models[k.model])
      model.fp8BlockSize = k.dtype == "fp8_block" ? 128 : 0
      let format: DType = k.dtype == "float16" ? .bf16 : .fp8
      var cost = CostModel(
        model: model, device: device,
        precision: Precision(weights: format, activations: format, kvCache: .bf16),
        tensorGroup: CommGroup(
          ranks: k.tensor * k.expert, ranksPerNode: 8, intra: link, inter: nil, customAllReduce: true),
        calibration: device.calibration)
      cost.expertParallel = k.expert
      cost.fusesActivationQuantisation = EngineProfile.of(engine, device: device).fusesActivationQuantisation
      cost.fusedMoEComputeShare = share
      let ms = cost.fusedExperts(tokens: k.tokens, mode: .eager).seconds * 1e3
      errors.append(abs(ms / k.ms - 1))
    }
    errors.sort()
    return errors[errors.count / 2]
  }

  @Test func theShippedSharesFitTheMeasuredKernelsBest() throws {
    let kernels = try Self.kernels()
    #expect(kernels.count == 1908)
    var devices = [String: DeviceSpec]()
    for (gpu, file) in [("H100", "h100-sxm"), ("H200", "h200-sxm")] {
      devices[gpu] = try SpecDecoders.device(
        YAMLFile(path: Self.root + "/clusters/devices/\(file).yaml", referencedBy: nil))
    }
    var models = [String: ModelSpec]()
    for name in ["deepseek-v3", "qwen3-235b-a22b", "mixtral-8x7b"] {
      models[name] = try SpecDecoders.model(
        YAMLFile(path: Self.root + "/models/\(name).yaml", referencedBy: nil))
    }
    let shares = [1, 0.8, 2.0 / 3, 4.0 / 7, 0.5, 0.4]
    for (engine, shipped) in [
      (EngineKind.sglang, EngineProfile.sglangFusedMoEComputeShare),
      (.trtllm, EngineProfile.trtllmFusedMoEComputeShare),
    ] {
      let fitted = try shares.map {
        try Self.medianError(kernels, engine: engine, parity: 0, share: $0, devices: devices, models: models)
      }
      let best = try #require(fitted.indices.min { fitted[$0] < fitted[$1] })
      #expect(shares[best] == shipped, "\(engine): \(fitted)")
      // The held-out half is priced better at the shipped share than at 1.
      let heldOut = try Self.medianError(
        kernels, engine: engine, parity: 1, share: shipped, devices: devices, models: models)
      let heldOutAtOne = try Self.medianError(
        kernels, engine: engine, parity: 1, share: 1, devices: devices, models: models)
      #expect(heldOut < heldOutAtOne, "\(engine): \(heldOut) against \(heldOutAtOne)")
    }
  }
}
