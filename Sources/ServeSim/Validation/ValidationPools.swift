/// The pools of a measured disaggregated run (NVIDIA Dynamo, SGLang's PD
/// disaggregation): prefill workers and decode workers, each pool's
/// `data` its workers, `tensor` the devices of one worker, with its expert
/// and attention data parallelism. The replay lays them out on enough nodes
/// of the source's GPU (`ValidationReplay.plan`).
public struct ValidationPools: Sendable, Equatable {
  public var prefill: Parallelism
  public var decode: Parallelism

  public init(prefill: Parallelism, decode: Parallelism) {
    self.prefill = prefill
    self.decode = decode
  }

  /// Devices of both pools.
  public var devices: Int { prefill.devices + decode.devices }

  /// The pool as a plan's `disaggregation` holds it, on `cluster`.
  static func pool(_ p: Parallelism, cluster: ClusterSpec) -> Disaggregation.Pool {
    Disaggregation.Pool(
      replicas: p.data, tensor: p.tensor, cluster: cluster, expert: p.expert, attentionData: p.attentionData)
  }

  /// The ID label of the layout: "p2xdep8-d1xdep16" (workers × layout).
  public var label: String {
    func one(_ p: Parallelism) -> String {
      let kind = p.attentionData > 1 ? "dep" : (p.expert > 1 ? "tep" : "tp")
      return "\(p.data)x\(kind)\(p.tensor)"
    }
    return "p\(one(prefill))-d\(one(decode))"
  }
}
