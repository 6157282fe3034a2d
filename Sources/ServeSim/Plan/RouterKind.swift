/// How requests are spread over data-parallel replicas.
public enum RouterKind: String, Sendable, CaseIterable {
  case roundRobin = "round-robin"
  case leastOutstanding = "least-outstanding"
  case leastKV = "least-kv"
  case prefixAffinity = "prefix-affinity"
}
