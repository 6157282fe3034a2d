import Foundation
import ServeSim

/// The shipped input files (models, devices, clusters, workloads, plans), each
/// summarised on one line, for `servesim list`.
public enum Catalog {
  public enum Kind: String, CaseIterable, Sendable {
    case models, devices, clusters, workloads, plans

    /// The folder holding this kind, relative to the project root.
    public var folder: String {
      switch self {
      case .models: "models"
      case .devices: "clusters/devices"
      case .clusters: "clusters"
      case .workloads: "workloads"
      case .plans: "plans"
      }
    }
  }

  /// One file and its summary (or why it could not be read).
  public struct Entry: Sendable, Equatable {
    /// The path, relative to the root given.
    public var file: String
    public var summary: String
    public var isValid: Bool
  }

  /// The files of `kind` under `root`, sorted by name.
  public static func entries(_ kind: Kind, root: String) -> [Entry] {
    let folder =
      root.isEmpty || root == "." ? kind.folder : (root as NSString).appendingPathComponent(kind.folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    var entries = [Entry]()
    for name in names.sorted() {
      let lower = name.lowercased()
      guard
        lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || (kind == .models && lower.hasSuffix(".json"))
      else { continue }
      let path = (folder as NSString).appendingPathComponent(name)
      do {
        entries.append(Entry(file: path, summary: try summary(kind, path: path), isValid: true))
      } catch {
        entries.append(Entry(file: path, summary: "error: \(error)", isValid: false))
      }
    }
    return entries
  }

  static func summary(_ kind: Kind, path: String) throws(ConfigError) -> String {
    switch kind {
    case .models:
      let m =
        HFConfig.isConfig(path: path)
        ? try HFConfig.model(path: path) : try SpecDecoders.model(YAMLFile(path: path, referencedBy: nil))
      return model(m)
    case .devices:
      return device(try SpecDecoders.device(YAMLFile(path: path, referencedBy: nil)))
    case .clusters:
      let c = try SpecDecoders.cluster(YAMLFile(path: path, referencedBy: nil), overrides: [])
      var text = "\(c.name): \(c.nodes) x \(c.devicesPerNode) \(c.device.name)"
      text += ", \(c.intraNode.kind) \(number(c.intraNode.bandwidthGBps)) GB/s"
      if let net = c.interNode, c.nodes > 1 {
        text += ", \(net.kind) \(number(net.bandwidthGBps)) GB/s between nodes"
      }
      return text
    case .workloads:
      return workload(try SpecDecoders.workload(YAMLFile(path: path, referencedBy: nil)))
    case .plans:
      let file = try YAMLFile(path: path, referencedBy: nil)
      if file.root["clusters"] != nil {
        // A search file (servesim search) lives beside the plans.
        let s = try SearchLoader.load(path: path).space
        return
          "\(s.name): search, objective \(s.objective.rawValue), \(s.model.name) on \(s.clusters.map(\.cluster.name).joined(separator: ", ")) (servesim search)"
      }
      let p = try PlanLoader.load(path: path)
      let par = p.parallelism
      var text = "\(p.name): \(p.model.name) on \(p.devices) x \(p.cluster.device.name), \(p.release)"
      text += ", dp \(par.data) tp \(par.tensor) pp \(par.pipeline)"
      if par.expert > 1 { text += " ep \(par.expert)" }
      text += ", weights \(p.precision.weights.rawValue), workload \(p.workload.name)"
      if p.disaggregation != nil { text += ", disaggregated" }
      return text
    }
  }

  static func number(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.3g", v)
  }

  static func model(_ m: ModelSpec) -> String {
    var text = "\(m.name): \(String(format: "%.1f", m.parameterCount / 1e9))B parameters, \(m.layers) layers"
    text += ", hidden \(m.hiddenSize), \(m.heads) heads"
    if let mla = m.mla {
      text += " (MLA, latent \(mla.kvLoraRank))"
    } else if m.kvHeads != m.heads {
      text += " (\(m.kvHeads) KV)"
    }
    if let moe = m.moe {
      text += ", MoE \(moe.experts) experts top-\(moe.expertsPerToken)"
      if moe.sharedExperts > 0 { text += " + \(moe.sharedExperts) shared" }
    }
    return text + ", context \(m.maxContext)"
  }

  static func device(_ d: DeviceSpec) -> String {
    let peak = [DType.fp8, .bf16, .fp16, .fp32].first { d.peakTFLOPS[$0] != nil }
    var text =
      "\(d.name): \(d.kind.rawValue), \(number(d.memoryGB)) GB, \(number(d.memoryBandwidthGBps)) GB/s"
    if let peak, let value = d.peakTFLOPS[peak] { text += ", \(number(value)) TFLOPS \(peak.rawValue)" }
    text += ", \(number(d.maxPowerW)) W"
    if d.pricePerHourUSD > 0 { text += ", $\(String(format: "%.2f", d.pricePerHourUSD))/h" }
    return text
  }

  static func workload(_ w: WorkloadSpec) -> String {
    var text = "\(w.name): "
    switch w.arrival {
    case .poisson(let rate): text += "Poisson \(number(rate)) req/s"
    case .gamma(let rate, let cv): text += "gamma \(number(rate)) req/s (cv \(number(cv)))"
    case .constant(let rate): text += "constant \(number(rate)) req/s"
    case .closed(let n, _): text += "closed loop, \(n) clients"
    case .offline: text += "offline (all at once)"
    case .trace: text += "trace replay of \(w.trace?.count ?? 0) requests"
    }
    if let n = w.requests { text += ", \(n) requests" }
    if let d = w.durationS { text += ", \(number(d)) s" }
    if let prefix = w.sharedPrefix { text += ", shared prefix \(prefix.tokens) tokens x \(prefix.groups)" }
    if let hashes = w.trace?.blockHashes {
      text += ", \(hashes.distinct) distinct \(hashes.blockTokens)-token prompt blocks"
    }
    return text
  }
}
