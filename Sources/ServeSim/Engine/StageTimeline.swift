/// The pipeline stages of every replica and when each is next free: a
/// micro-batch flows through its replica's stages in order; each stage serves
/// micro-batches first come first served, so its start is the later of the
/// batch's arrival and the stage's last finish (pipeline bubbles show as gaps
/// between a stage's rows in iterations.csv).
struct StageTimeline: Sendable {
  /// Pipeline stages per replica, and the layers and MoE layers of each.
  let stages: Int
  let layers: [Int]
  let moeLayers: [Int]
  /// When each stage of each replica is next free ([replica · stages + stage]), in seconds.
  private var free: [Double]
  /// The link between stage s and s + 1 of each replica ([replica · (stages − 1) + s]).
  let links: [LinkSpec]
  /// Bytes of activations sent between stages per token.
  let activationBytesPerToken: Double

  /// The stages of `pipelines` replicas of `plan` (one stage each for
  /// disaggregated pools).
  init(plan: PlanSpec, pipelines: Int) {
    let par = plan.parallelism
    stages = par.pipeline
    layers = par.layersPerStage(of: plan.model.costedLayers)
    moeLayers = plan.model.moeLayersPerStage(layers)
    free = [Double](repeating: 0, count: pipelines * stages)
    // Replica d holds devices [d·t·p, (d+1)·t·p), stage s the t devices from
    // d·t·p + s·t; a boundary whose two sides sit in different link domains
    // (nodes, or NVLink domains across nodes: ClusterSpec.linkDomain) goes over
    // the network.
    var links = [LinkSpec]()
    for d in 0..<par.data {
      for s in 0..<max(par.pipeline - 1, 0) {
        let last = d * par.devicesPerReplica + (s + 1) * par.tensor - 1
        let crosses = last / plan.cluster.linkDomain != (last + 1) / plan.cluster.linkDomain
        links.append(crosses ? (plan.cluster.interNode ?? plan.cluster.intraNode) : plan.cluster.intraNode)
      }
    }
    self.links = links
    activationBytesPerToken =
      Double(plan.model.hiddenSize) * (plan.precision.activations == .fp32 ? 4 : 2)
  }

  /// Runs a batch priced at `cost` through replica `d`'s stages from `clock`,
  /// recording one iteration per stage (unless `keep` is false) and its busy
  /// device time.
  ///
  /// - Returns: when the last stage finishes, in seconds.
  mutating func run(
    _ cost: IterationCost, replica d: Int, pool: Int, devices: Double, from clock: Double,
    shape: BatchShape, kvBlocksUsed: Int, iterations: inout [IterationRecord], keep: Bool = true,
    metrics: inout RunMetrics
  ) -> Double {
    let sendBytes = Double(shape.tokens) * activationBytesPerToken
    var t = clock
    for s in 0..<stages {
      let start = max(t, free[d * stages + s])
      let duration = cost.stageSeconds(stage: s, of: stages, layers: layers[s], moeLayers: moeLayers[s])
      free[d * stages + s] = start + duration
      metrics.addBusy(duration * devices, pool: pool)
      if keep {
        iterations.append(
          IterationRecord(
            replica: Int32(d), stage: Int32(s), start: start, duration: duration,
            prefillTokens: Int32(shape.prefillTokens), decodeTokens: Int32(shape.decodeSequences),
            batchSize: Int32(shape.sequences), kvBlocksUsed: Int32(kvBlocksUsed)))
      }
      t = start + duration
      if s < stages - 1 {
        t += CommGroup.sendRecv(bytes: sendBytes, link: links[d * (stages - 1) + s])
      }
    }
    return t
  }
}
