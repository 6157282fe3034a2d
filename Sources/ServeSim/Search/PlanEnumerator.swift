/// Enumerates the plans of a search space in a fixed order.
public enum PlanEnumerator {
  /// Every plan of the space, each with its cluster; plans whose degrees break
  /// a rule (heads not divisible, more devices than allowed, tensor across
  /// nodes when forbidden) are not produced.
  public static func plans(_ space: SearchSpace) -> [PlanSpec] {
    var out = [PlanSpec]()
    for choice in space.clusters {
      let cluster = choice.cluster
      for engine in space.engines {
        for t in space.tensor.sorted() where space.model.heads % t == 0 {
          if space.tensorWithinNode && t > cluster.devicesPerNode { continue }
          if space.model.kvHeads % t != 0 && t % space.model.kvHeads != 0 { continue }
          for p in space.pipeline.sorted() where p <= space.model.costedLayers {
            // The engine's defaults for this device and tensor × pipeline size
            // (SGLang's memory share depends on it); the space sets the rest.
            let defaults = EngineProfile.of(
              engine, device: cluster.device, parallelism: Parallelism(tensor: t, pipeline: p)
            ).defaultScheduler
            let perReplica = t * p
            guard perReplica <= choice.maxDevices else { continue }
            let dataOptions = space.data?.sorted() ?? Array(1...(choice.maxDevices / perReplica))
            for d in dataOptions where d * perReplica <= choice.maxDevices {
              for e in space.expert.sorted() {
                if e > 1 && (space.model.moe == nil || t % e != 0) { continue }
                if e > 1, let moe = space.model.moe, moe.experts % e != 0 { continue }
                for precision in space.precisions {
                  for policy in space.policies {
                    for seqs in space.maxNumSeqs.sorted() {
                      for tokens in space.maxNumBatchedTokens.sorted() {
                        var scheduler = defaults
                        scheduler.policy = policy
                        scheduler.maxNumSeqs = seqs
                        scheduler.maxNumBatchedTokens = tokens
                        var plan = PlanSpec(
                          name: "", model: space.model, cluster: cluster, workload: space.workload,
                          engine: engine,
                          parallelism: Parallelism(data: d, tensor: t, pipeline: p, expert: e),
                          precision: precision, scheduler: scheduler, router: space.router,
                          slo: space.slo, seed: space.seed)
                        // The engine's default prefix caching, where it is modelled.
                        if !plan.prefixCachingModelled { plan.scheduler.prefixCaching = false }
                        plan.name = name(of: plan)
                        out.append(plan)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }

  /// A readable, unique name of a plan in a search.
  public static func name(of plan: PlanSpec) -> String {
    let p = plan.parallelism
    let q = plan.precision
    var text = "\(plan.cluster.name)-\(plan.engine.rawValue)-dp\(p.data)-tp\(p.tensor)-pp\(p.pipeline)"
    if p.expert > 1 { text += "-ep\(p.expert)" }
    text += "-\(q.weights.rawValue)"
    if q.activations != q.weights { text += "a\(q.activations.rawValue)" }
    text +=
      "-\(plan.scheduler.policy.rawValue)-s\(plan.scheduler.maxNumSeqs)-b\(plan.scheduler.maxNumBatchedTokens)"
    return text
  }
}
