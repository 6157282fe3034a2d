import Foundation

/// A temporary folder of small, valid input files that tests can break one at a time.
struct TempPlan {
  let folder: String

  static let model = """
    name: tiny
    layers: 2
    hidden_size: 1024
    heads: 8
    kv_heads: 2
    head_dim: 128
    intermediate_size: 4096
    vocab_size: 32000
    max_context: 8192
    """
  static let device = """
    name: round
    kind: gpu
    peak_tflops: {fp32: 10, bf16: 100}
    memory_gb: 20
    memory_bandwidth_gbps: 1000
    power_w: {idle: 100, max: 500}
    efficiency: {compute: 1, memory: 1}
    """
  static let cluster = """
    name: node
    nodes: 1
    devices_per_node: 8
    device: device.yaml
    intra_node: {kind: nvlink, bandwidth_gbps: 100, latency_us: 5}
    """
  static let workload = """
    name: w
    arrival: {process: poisson, rate_per_s: 20}
    requests: 50
    input_tokens: {distribution: uniform, min: 10, max: 300}
    output_tokens: {distribution: fixed, value: 12}
    """
  static let plan = """
    name: p
    model: model.yaml
    cluster: cluster.yaml
    workload: workload.yaml
    parallelism: {tensor: 2}
    scheduler: {max_num_batched_tokens: 512}
    seed: 3
    """

  init(
    model: String = Self.model, device: String = Self.device, cluster: String = Self.cluster,
    workload: String = Self.workload, plan: String = Self.plan
  ) throws {
    folder = NSTemporaryDirectory() + "servesim-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (name, text) in [
      ("model.yaml", model), ("device.yaml", device), ("cluster.yaml", cluster),
      ("workload.yaml", workload), ("plan.yaml", plan),
    ] {
      try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }
  }

  var planPath: String { folder + "/plan.yaml" }

  func path(_ name: String) -> String { folder + "/" + name }

  func remove() { try? FileManager.default.removeItem(atPath: folder) }
}
