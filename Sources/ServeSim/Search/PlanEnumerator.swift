/// Enumerates the plans of a search space in a fixed order.
public enum PlanEnumerator {
  /// Every plan of the space, each with its cluster; plans whose degrees break
  /// a plan rule (`PlanSpec.validate()` at a `parallelism` key: heads not
  /// divisible, pipeline longer than the model, expert degrees) or the space's
  /// limits (more devices than allowed, tensor across nodes when forbidden)
  /// are not produced.
  public static func plans(_ space: SearchSpace) -> [PlanSpec] {
    var out = [PlanSpec]()
    for choice in space.clusters {
      let cluster = choice.cluster
      for release in space.engines {
        let engine = release.engine
        for t in space.tensor.sorted() {
          if space.tensorWithinNode && t > cluster.devicesPerNode { continue }
          for p in space.pipeline.sorted() where t * p <= choice.maxDevices {
            let dataOptions = space.data?.sorted() ?? Array(1...(choice.maxDevices / (t * p)))
            for d in dataOptions where d * t * p <= choice.maxDevices {
              for (e, a) in space.expertAndAttentionData {
                var parallelism = Parallelism(data: d, tensor: t, pipeline: p, expert: e)
                parallelism.attentionData = a
                var base = PlanSpec(
                  name: "", model: space.model, cluster: cluster, workload: space.workload,
                  engine: engine, parallelism: parallelism, precision: Precision(),
                  scheduler: space.scheduler.applied(to: EngineProfile.of(engine).scheduler),
                  router: space.router, slo: space.slo, seed: space.seed)
                base.engineVersion = release.version
                base.calibration = choice.calibration
                // Degrees that break a plan rule are not plans of the space;
                // the other rules make a plan infeasible, with the reason.
                if base.validate().contains(where: { $0.keyPath.hasPrefix("parallelism") }) { continue }
                for precision in space.precisions {
                  for policy in space.policies {
                    for seqs in space.maxNumSeqs.sorted() {
                      for tokens in space.maxNumBatchedTokens.sorted() {
                        for k in space.speculativeTokens.sorted() {
                          var plan = base
                          plan.precision = precision
                          plan.speculative = k > 0 ? space.speculative?.with(tokens: k) : nil
                          var settings = space.scheduler
                          settings.policy = policy
                          settings.maxNumSeqs = seqs
                          settings.maxNumBatchedTokens = tokens
                          plan.applyScheduler(settings)
                          if engine == .llamacpp { plan.llamacpp = .matching(plan.scheduler) }
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
    }
    return out
  }

  /// A readable, unique name of a plan in a search.
  public static func name(of plan: PlanSpec) -> String {
    let p = plan.parallelism
    let q = plan.precision
    let engine =
      plan.release.isNewest ? plan.engine.rawValue : "\(plan.engine.rawValue)\(plan.release.version)"
    var text = "\(plan.cluster.name)-\(engine)-dp\(p.data)-tp\(p.tensor)-pp\(p.pipeline)"
    if p.expert > 1 { text += "-ep\(p.expert)" }
    if p.attentionData > 1 { text += "-adp\(p.attentionData)" }
    text += "-\(q.weights.rawValue)"
    if q.activations != q.weights { text += "a\(q.activations.rawValue)" }
    text +=
      "-\(plan.scheduler.policy.rawValue)-s\(plan.scheduler.maxNumSeqs)-b\(plan.scheduler.maxNumBatchedTokens)"
    if let s = plan.speculative { text += "-\(s.method.rawValue)\(s.tokens)" }
    return text
  }
}
