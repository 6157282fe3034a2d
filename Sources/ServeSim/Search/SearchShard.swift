/// One of N deterministic shards of a search's plan space, so that N machines
/// (a Ray cluster, a Slurm job array, a Kubernetes Indexed Job) search it
/// together and `servesim search --merge` joins their stores.
///
/// The unit of assignment is a neighbourhood (`SearchRunner.neighbourKey`:
/// the plans that differ only in data degree, max_num_seqs and
/// max_num_batched_tokens). A neighbourhood stays on one shard because its
/// plans warm-start each other's capacity search and copy their max_num_seqs
/// siblings' outcomes: split, they would be simulated from other first rates
/// than one run uses, and the merge would have to simulate them again.
/// Neighbourhoods are dealt by estimated cost, largest first, each to the
/// shard with the least cost so far (ties: the lower shard), so that every
/// shard computes the same assignment from the search file alone.
public struct SearchShard: Sendable, Equatable, CustomStringConvertible {
  /// The shard, from 1.
  public var index: Int
  /// The number of shards.
  public var count: Int

  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Reads "K/N" (1 ≤ K ≤ N); nil otherwise.
  public init?(parsing text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else {
      return nil
    }
    self.init(index: k, count: n)
  }

  public var description: String { "\(index)/\(count)" }

  /// The estimated cost of searching `plan`, in simulated request-stages per
  /// probe: the requests of one probe (`requestsPerReplica` per replica)
  /// times the pipeline stages each request's iterations pass through, which
  /// is what the event loop steps over; a plan whose weights leave no KV
  /// cache is settled at set-up without simulating, and costs 1.
  public static func cost(_ plan: PlanSpec, requestsPerReplica: Int) -> Double {
    let p = plan.parallelism
    guard MemoryPlan(plan: plan).blocks > 0 else { return 1 }
    return Double(requestsPerReplica * max(p.data, 1)) * Double(max(p.pipeline, 1))
  }

  /// The shard (1...count) of each of `plans`, in order.
  public static func assignment(_ plans: [PlanSpec], count: Int, requestsPerReplica: Int) -> [Int] {
    var groupOf = [String: Int]()
    var groups = [(cost: Double, members: [Int])]()
    for (i, plan) in plans.enumerated() {
      let key = SearchRunner.neighbourKey(plan)
      let g: Int
      if let known = groupOf[key] {
        g = known
      } else {
        g = groups.count
        groupOf[key] = g
        groups.append((0, []))
      }
      groups[g].cost += cost(plan, requestsPerReplica: requestsPerReplica)
      groups[g].members.append(i)
    }
    let order = groups.indices.sorted { a, b in
      groups[a].cost != groups[b].cost ? groups[a].cost > groups[b].cost : a < b
    }
    var load = [Double](repeating: 0, count: max(count, 1))
    var shardOf = [Int](repeating: 1, count: plans.count)
    for g in order {
      var target = 0
      for s in load.indices where load[s] < load[target] { target = s }
      load[target] += groups[g].cost
      for i in groups[g].members { shardOf[i] = target + 1 }
    }
    return shardOf
  }

  /// The plans of this shard, in enumeration order.
  public func plans(of plans: [PlanSpec], requestsPerReplica: Int) -> [PlanSpec] {
    let shardOf = Self.assignment(plans, count: count, requestsPerReplica: requestsPerReplica)
    return plans.indices.filter { shardOf[$0] == index }.map { plans[$0] }
  }
}
