/// An analytic upper bound on the requests per second a plan can sustain,
/// used to skip plans that cannot beat the best found.
///
/// Every iteration of k tokens on a pipeline stage costs at least the stage's
/// share of `IterationPricer.lowerBound(tokens: k)`; a stage serves one
/// micro-batch at a time, so over any run a replica processes at most
/// min over stages of max over k of k / stage_lb(k) tokens per second. Each
/// request needs its prompt prefilled and all but its last output token fed
/// back, so requests per second ≤ data · that / mean(input + output − 1).
/// Attention adds to that: every decode step reads its whole context's KV
/// cache and every prompt's causal attention costs its FLOPs, at least
/// bytes / bandwidth and FLOPs / attention peak per layer, whatever the
/// batching; so a stage needs at least tokens / rate + layers · attention per
/// request. The KV cache bounds it too: every decode step of a request runs
/// while the request holds at least its prompt and the outputs so far in the
/// cache, and lasts at least one traversal of the stages by a one-token batch,
/// so Σ over requests of their context reads × that time ≤ KV tokens × run
/// time (Little's law over cache tokens; valid without shared prefix blocks).
/// A rate counts as sustained only if the measured throughput reaches
/// (1 − slack) of it, so capacity ≤ bound / (1 − slack).
public enum CapacityBound {
  /// The bound, in requests per second.
  ///
  /// - Parameters:
  ///   - pricer: the replica's pricer (its memo is filled as a side effect).
  ///   - maxTokens: the largest iteration the scheduler can form, in tokens.
  ///   - meanTokens: mean tokens computed per request, prompt plus output − 1.
  ///   - slack: the sustained-throughput slack of the capacity test.
  ///   - meanContextReads: mean over requests of Σ over decode steps of the
  ///     context read, in tokens: (output − 1)·input + (output − 1)·output / 2.
  ///   - meanPrefillPairs: mean over requests of causal query–key pairs of the
  ///     prompt, input·(input + 1) / 2.
  ///   - kvTokens: KV-cache tokens of one replica (0: no cache bound, as with
  ///     prefix blocks shared between requests).
  ///   - throughputs: `stageThroughputs` for this plan, pricer and
  ///     `maxTokens`, if known (plans that differ in data degree alone share
  ///     them).
  public static func requestsPerSecond(
    plan: PlanSpec, pricer: inout IterationPricer, maxTokens: Int, meanTokens: Double,
    meanContextReads: Double = 0, meanPrefillPairs: Double = 0, kvTokens: Int = 0, slack: Double,
    throughputs: [Double]? = nil
  ) -> Double {
    // Attention ranks step together, priced by `LockstepPricer`, which this
    // bound does not describe: no bound (the plan is always simulated).
    guard meanTokens > 0, plan.parallelism.attentionData <= 1 else { return .infinity }
    let stageLayers = plan.parallelism.layersPerStage(of: plan.model.costedLayers)
    let moeLayers = plan.model.moeLayersPerStage(stageLayers)
    let stages = stageLayers.count
    let best = throughputs ?? stageThroughputs(plan: plan, pricer: &pricer, maxTokens: maxTokens)
    // Attention per request and layer on one rank, in seconds (standard
    // attention; MLA is left at zero, which keeps the bound valid).
    var attention = 0.0
    let cost = pricer.cost
    if plan.model.mla == nil {
      let d = Double(plan.model.headDim)
      let kvPerToken = plan.model.kvElementsPerTokenPerLayer(tensor: cost.tensor) * cost.kvBytes
      attention =
        meanContextReads * kvPerToken / cost.bytesPerSecond
        + 4 * cost.headsPerRank * d * meanPrefillPairs / cost.attentionFlopsPerSecond
    }
    var perReplica = Double.infinity
    for s in 0..<stages where best[s] > 0 {
      let seconds = meanTokens / best[s] + Double(stageLayers[s]) * attention
      perReplica = min(perReplica, 1 / seconds)
    }
    if kvTokens > 0 && meanContextReads > 0 {
      let one = pricer.lowerBound(tokens: 1)
      var step = 0.0
      for s in 0..<stages {
        step += one.stageSeconds(stage: s, of: stages, layers: stageLayers[s], moeLayers: moeLayers[s])
      }
      if step > 0 { perReplica = min(perReplica, Double(kvTokens) / (meanContextReads * step)) }
    }
    guard perReplica.isFinite else { return .infinity }
    return Double(plan.parallelism.data) * perReplica / (1 - slack)
  }

  /// The most tokens per second each pipeline stage of `plan` can process:
  /// max over iterations of k ≤ `maxTokens` tokens of k / the stage's share
  /// of `IterationPricer.lowerBound(tokens: k)`.
  public static func stageThroughputs(plan: PlanSpec, pricer: inout IterationPricer, maxTokens: Int)
    -> [Double]
  {
    let stageLayers = plan.parallelism.layersPerStage(of: plan.model.costedLayers)
    let moeLayers = plan.model.moeLayersPerStage(stageLayers)
    let stages = stageLayers.count
    var best = [Double](repeating: 0, count: stages)
    for k in 1...max(maxTokens, 1) {
      let cost = pricer.lowerBound(tokens: k)
      for s in 0..<stages {
        let t = cost.stageSeconds(stage: s, of: stages, layers: stageLayers[s], moeLayers: moeLayers[s])
        if t > 0 { best[s] = max(best[s], Double(k) / t) }
      }
    }
    return best
  }
}
