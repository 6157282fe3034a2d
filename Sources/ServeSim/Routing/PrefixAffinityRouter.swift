/// SGLang's cache-aware router (sgl-router `cache_aware` policy): the replica
/// that caches the most of the request's prefix (resident blocks of its
/// shared-prefix group, or resident leading hashes of its block-hash chain),
/// ties to the least loaded; when no replica caches any of it, a group's home
/// replica (group mod replicas) so that each group settles on one replica,
/// else the least loaded. Unless the chosen replica has 16 more requests in
/// flight than the least loaded one: then the least loaded (the router's
/// load-balancing threshold). Requests with no prefix identity go to the
/// least loaded replica.
struct PrefixAffinityRouter: Router {
  /// Requests in flight beyond the least loaded replica's at which cache
  /// affinity gives way to load.
  static let imbalance = 16

  func route(_ id: Int, _ request: RequestRecord, _ view: RoutingView) -> Int {
    var best = -1
    var bestCached = 0
    var bestLoad = 0
    var least = 0
    var leastLoad = Int.max
    for d in 0..<view.replicas {
      let load = view.load(d)
      if load < leastLoad { (leastLoad, least) = (load, d) }
      guard let cached = view.cachedPrefix(d, id, request) else { return view.leastLoaded() }
      if cached > 0 && (best < 0 || cached > bestCached || (cached == bestCached && load < bestLoad)) {
        (best, bestCached, bestLoad) = (d, cached, load)
      }
    }
    if best < 0 {
      guard request.prefixGroup >= 0 else { return least }
      best = Int(request.prefixGroup) % view.replicas
      bestLoad = view.load(best)
    }
    return bestLoad > leastLoad + Self.imbalance ? least : best
  }
}
