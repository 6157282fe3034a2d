/// The input file a problem was found in.
public enum PlanFile: String, Sendable, Equatable { case plan, model, cluster, device, workload }
