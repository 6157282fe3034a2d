/// What a router sees of the schedulers that take arrivals: the first
/// `replicas` data-parallel replicas, each with `stages` schedulers (pipeline
/// virtual engines), scheduler `d · stages + s` being stage `s` of replica `d`.
struct RoutingView {
  let schedulers: [ReplicaScheduler]
  /// Data-parallel replicas that take arrivals.
  let replicas: Int
  /// Schedulers per replica.
  let stages: Int

  /// Requests routed to replica `d` and not yet finished.
  @inline(__always)
  func load(_ d: Int) -> Int {
    var load = 0
    for s in 0..<stages { load += schedulers[d * stages + s].outstanding }
    return load
  }

  /// Free KV blocks of replica `d`.
  func freeBlocks(_ d: Int) -> Int {
    var free = 0
    for s in 0..<stages { free += schedulers[d * stages + s].freeBlocks }
    return free
  }

  /// The most of request `id`'s prefix that one of replica `d`'s schedulers
  /// caches, or nil when the request has no prefix identity.
  func cachedPrefix(_ d: Int, _ id: Int, _ request: RequestRecord) -> Int? {
    var best: Int?
    for s in 0..<stages {
      guard let cached = schedulers[d * stages + s].prefix.cachedPrefix(id, request) else { continue }
      best = max(best ?? cached, cached)
    }
    return best
  }

  /// The least loaded replica (the first of equals).
  func leastLoaded() -> Int {
    var chosen = 0
    var best = Int.max
    for d in 0..<replicas {
      let load = load(d)
      if load < best { (best, chosen) = (load, d) }
    }
    return chosen
  }

  /// The scheduler of replica `d` that takes a new request: the virtual
  /// engine with the fewest unfinished requests (vLLM v0 pipeline parallelism).
  func scheduler(of d: Int) -> Int {
    var pick = d * stages
    for v in pick..<(d + 1) * stages where schedulers[v].outstanding < schedulers[pick].outstanding {
      pick = v
    }
    return pick
  }
}
