/// The replica with the most free KV-cache blocks (ties to the lowest index).
struct LeastKVRouter: Router {
  func route(_ id: Int, _ request: RequestRecord, _ view: RoutingView) -> Int {
    var chosen = 0
    var best = Int.min
    for d in 0..<view.replicas {
      let free = view.freeBlocks(d)
      if free > best { (best, chosen) = (free, d) }
    }
    return chosen
  }
}
