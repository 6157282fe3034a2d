/// Picks the data-parallel replica of each arriving request. One type per
/// policy of `RouterKind`; a new router is a new type and a case in
/// `RouterKind.makeRouter()`.
protocol Router: Sendable {
  /// The replica (0 ..< `view.replicas`) that takes request `id`.
  mutating func route(_ id: Int, _ request: RequestRecord, _ view: RoutingView) -> Int
}

extension RouterKind {
  /// A router of this kind, in its initial state.
  func makeRouter() -> any Router {
    switch self {
    case .roundRobin: RoundRobinRouter()
    case .leastOutstanding: LeastOutstandingRouter()
    case .leastKV: LeastKVRouter()
    case .prefixAffinity: PrefixAffinityRouter()
    }
  }
}
