/// The replica with the fewest requests in flight (SGLang router's
/// `shortest_queue`; ties to the lowest index).
struct LeastOutstandingRouter: Router {
  func route(_ id: Int, _ request: RequestRecord, _ view: RoutingView) -> Int { view.leastLoaded() }
}
