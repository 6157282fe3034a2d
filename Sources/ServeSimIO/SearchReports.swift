import Foundation
import ServeSim
import Yams

/// The files a search writes: plans.csv, pareto.csv, best.yaml (with
/// best-workload.yaml) and pareto.svg.
public enum SearchReports {
  public static let planColumns = [
    "plan", "cluster", "device", "engine", "engine_version", "data", "tensor", "pipeline", "expert",
    "weights",
    "activations", "kv_cache", "policy", "max_num_seqs", "max_num_batched_tokens", "devices",
    "status", "reason", "bound_req_per_s", "capacity_req_per_s", "probes", "rate_req_per_s",
    "ttft_p90_ms", "tpot_p90_ms", "e2e_p90_ms", "output_tok_per_s", "slo_attainment",
    "energy_j_per_output_tok", "usd_per_m_output_tok", "capacity_per_device", "objective",
  ]

  static func row(_ o: SearchOutcome, _ b: inout CSVBuffer) {
    let p = o.plan
    b.field(p.name)
    for text in [p.cluster.name, p.cluster.device.name, p.engine.rawValue, p.release.version.description] {
      b.comma()
      b.field(text)
    }
    for v in [p.parallelism.data, p.parallelism.tensor, p.parallelism.pipeline, p.parallelism.expert] {
      b.comma()
      b.int(v)
    }
    for text in [
      p.precision.weights.rawValue, p.precision.activations.rawValue, p.precision.kvCache.rawValue,
      p.scheduler.policy.rawValue,
    ] {
      b.comma()
      b.text(text)
    }
    for v in [p.scheduler.maxNumSeqs, p.scheduler.maxNumBatchedTokens, p.devices] {
      b.comma()
      b.int(v)
    }
    b.comma()
    b.text(o.status.rawValue)
    b.comma()
    b.field(o.reason)
    b.comma()
    if o.bound > 0 && o.bound.isFinite { b.fixed(o.bound, 4) }
    b.comma()
    if o.status == .evaluated { b.fixed(o.capacity, 4) }
    b.comma()
    b.int(o.probes)
    b.comma()
    if o.status == .evaluated { b.fixed(o.evaluatedRate, 4) }
    let s = o.summary
    for v in [s?.ttft.p90, s?.tpot.p90, s?.e2e.p90] {
      b.comma()
      if let v { b.fixed(v, 3) }
    }
    b.comma()
    if let s { b.fixed(s.outputTokPerS, 2) }
    b.comma()
    if let s { b.fixed(s.sloAttainment, 4) }
    b.comma()
    if let s { b.fixed(s.energyJPerOutputTok, 4) }
    b.comma()
    if let s { b.fixed(s.usdPerMOutputTok, 4) }
    b.comma()
    if o.status == .evaluated { b.fixed(o.capacity / Double(p.devices), 4) }
    b.comma()
    if let v = o.objective { b.fixed(v, 4) }
    b.newline()
  }

  public static func plansCSV(_ result: SearchResult) -> [UInt8] {
    var b = CSVBuffer(capacity: result.outcomes.count * 200)
    b.text(planColumns.joined(separator: ","))
    b.newline()
    for o in result.outcomes { row(o, &b) }
    return b.bytes
  }

  public static func paretoCSV(_ result: SearchResult) -> [UInt8] {
    var b = CSVBuffer()
    b.text(planColumns.joined(separator: ","))
    b.newline()
    for i in result.pareto { row(result.outcomes[i], &b) }
    return b.bytes
  }

  /// A plan file for the best plan, and its workload at the evaluated rate,
  /// that `servesim simulate` runs as is (paths are absolute).
  public static func bestFiles(_ result: SearchResult, search: LoadedSearch) throws -> [(String, [UInt8])] {
    guard let index = result.best else { return [] }
    let o = result.outcomes[index]
    let p = o.plan
    let clusterIndex = search.space.clusters.firstIndex { $0.cluster == p.cluster } ?? 0
    // The workload: the search's workload file with Poisson arrivals at the
    // evaluated rate and the probe's request count.
    var workload = try YAMLFile(path: search.workloadPath, referencedBy: nil)
    let folder = (search.workloadPath as NSString).deletingLastPathComponent
    func absolutise(_ key: String) {
      guard var child = workload.root[key], let file = child["file"]?.string, !file.hasPrefix("/") else {
        return
      }
      child["file"] = Node((folder as NSString).appendingPathComponent(file))
      workload.root[key] = child
    }
    for key in ["input_tokens", "output_tokens", "trace"] { absolutise(key) }
    let probe = CapacitySearch(requestsPerReplica: search.space.requestsPerReplica).probePlan(
      p, rate: max(o.evaluatedRate, 0.01))
    workload.root["name"] = Node(search.space.workload.name + "-at-\(format(probe.workload.arrival))")
    workload.root["arrival"] = Node([
      (Node("process"), Node("poisson")), (Node("rate_per_s"), Node(String(o.evaluatedRate))),
    ])
    workload.root["requests"] = Node(String(probe.workload.requests ?? 0))
    if workload.root["duration_s"] != nil {
      workload.root["duration_s"] = nil
    }
    let workloadYAML = try Yams.serialize(node: workload.root)
    let q = p.precision
    let s = p.scheduler
    let plan = """
      # The best plan of search '\(search.space.name)' (objective \(search.space.objective.rawValue)):
      # capacity \(o.capacity) req/s under the SLO on \(p.devices) devices. `servesim simulate`
      # runs it as is at the evaluated rate (best-workload.yaml), reproducing plans.csv.
      name: \(p.name)
      model: \(search.modelPath)
      cluster: \(search.clusterPaths[clusterIndex])
      workload: best-workload.yaml
      engine: {name: \(p.engine.rawValue), version: "\(p.release.version)"\(llamaCppKeys(p))}
      parallelism: {data: \(p.parallelism.data), tensor: \(p.parallelism.tensor), pipeline: \(p.parallelism.pipeline), expert: \(p.parallelism.expert)\(p.parallelism.attentionData > 1 ? ", attention_data: \(p.parallelism.attentionData)" : "")}
      precision: {weights: \(q.weights.rawValue), activations: \(q.activations.rawValue), kv_cache: \(q.kvCache.rawValue)}
      scheduler: {policy: \(s.policy.rawValue), max_num_seqs: \(s.maxNumSeqs), max_num_batched_tokens: \(s.maxNumBatchedTokens), chunked_prefill: \(s.chunkedPrefill), block_size: \(s.blockSize), memory_utilization: \(s.memoryUtilization), prefix_caching: \(s.prefixCaching)}
      router: \(p.router.rawValue)
      slo: {ttft_ms: \(p.slo.ttftMs), tpot_ms: \(p.slo.tpotMs), percentile: \(p.slo.percentile)\(p.slo.headroom > 0 ? ", headroom: \(p.slo.headroom)" : "")}
      seed: \(p.seed)
      \(speculativeLine(p, draftModel: search.draftModelPath))\(search.calibrations[clusterIndex].map { "calibration: \($0)\n" } ?? "")
      """
    return [("best.yaml", Array(plan.utf8)), ("best-workload.yaml", Array(workloadYAML.utf8))]
  }

  static func format(_ arrival: ArrivalProcess) -> String {
    if case .poisson(let rate) = arrival { return "\(rate)-per-s" }
    return "rate"
  }

  /// An SVG scatter of every evaluated plan (capacity per device against the
  /// SLO percentile of TPOT at capacity), the Pareto front joined, the best marked.
  public static func paretoSVG(_ result: SearchResult) -> [UInt8] {
    let points = result.outcomes.indices.compactMap { i -> (index: Int, x: Double, y: Double)? in
      let o = result.outcomes[i]
      guard o.status == .evaluated, o.capacity > 0, let s = o.summary else { return nil }
      return (i, s.tpot.at(o.plan.slo.percentile), o.capacity / Double(o.plan.devices))
    }
    let front = result.pareto.compactMap { i in points.first { $0.index == i } }
    var chart = LineChart(
      title: "\(result.space.name): capacity per device against TPOT",
      xLabel: "TPOT p\(Int(result.space.slo.percentile)) at capacity (ms)",
      yLabel: "capacity per device (requests/s under the SLO)",
      series: [
        .init(name: "evaluated plan", points: points.map { (x: $0.x, y: $0.y) }, dots: true),
        .init(name: "Pareto front", points: front.map { (x: $0.x, y: $0.y) }),
      ])
    if let best = result.best, let p = points.first(where: { $0.index == best }) {
      chart.highlights = [(p.x, p.y, "best: \(result.outcomes[best].plan.name)")]
    }
    return Array(chart.svg().utf8)
  }

  /// Writes every search file atomically.
  public static func write(_ result: SearchResult, search: LoadedSearch, to directory: String) throws
    -> [String]
  {
    var files: [(String, [UInt8])] = [
      ("plans.csv", plansCSV(result)), ("pareto.csv", paretoCSV(result)), ("pareto.svg", paretoSVG(result)),
    ]
    files += try bestFiles(result, search: search)
    return try AtomicWriter.write(files, to: directory)
  }
}
