/// Replicas in turn (vLLM's and SGLang's `round_robin` data-parallel load balancing).
struct RoundRobinRouter: Router {
  private var next = 0

  mutating func route(_ id: Int, _ request: RequestRecord, _ view: RoutingView) -> Int {
    let chosen = next
    next = (next + 1) % view.replicas
    return chosen
  }
}
