/// The space of plans to search and how to judge them.
public struct SearchSpace: Sendable {
  public var name: String
  public var model: ModelSpec
  public var workload: WorkloadSpec
  public var slo: ServiceLevel
  public var objective: SearchObjective
  /// The arrival rate the min-* objectives must sustain, in requests per second.
  public var requiredRate: Double?
  public var clusters: [SearchCluster]
  /// The engines, each a modelled release (`EngineRelease`).
  public var engines: [EngineRelease]
  /// Candidate degrees; data-parallel degrees are every count that fits unless given.
  public var data: [Int]?
  public var tensor: [Int]
  public var pipeline: [Int]
  public var expert: [Int]
  /// Candidate attention data-parallel degrees (`Parallelism.attentionData`).
  public var attentionData: [Int] = [1]
  /// Keep tensor-parallel groups inside a node.
  public var tensorWithinNode: Bool
  public var policies: [SchedulingPolicy]
  public var maxNumSeqs: [Int]
  public var maxNumBatchedTokens: [Int]
  /// The scheduler settings every plan takes (the engine's default where
  /// nil); `policies`, `maxNumSeqs` and `maxNumBatchedTokens` replace its own.
  public var scheduler = SchedulerSettings()
  public var precisions: [Precision]
  /// Speculative decoding the plans may take (its method, acceptance and
  /// draft model), and the draft tokens to try (0: off; `with(tokens:)`).
  public var speculative: SpeculativeDecoding?
  public var speculativeTokens = [0]
  public var router: RouterKind
  /// Capacity search: relative tolerance of the bisection, the largest rate
  /// tried (requests per second), and requests simulated per replica per probe.
  public var tolerance: Double
  public var maxRate: Double
  public var requestsPerReplica: Int
  public var seed: UInt64

  public init(
    name: String, model: ModelSpec, workload: WorkloadSpec, slo: ServiceLevel,
    objective: SearchObjective, requiredRate: Double? = nil, clusters: [SearchCluster],
    engines: [EngineRelease] = [EngineRelease(.vllm)], data: [Int]? = nil, tensor: [Int] = [1, 2, 4, 8],
    pipeline: [Int] = [1], expert: [Int] = [1], tensorWithinNode: Bool = true,
    policies: [SchedulingPolicy] = [.vllm], maxNumSeqs: [Int] = [256],
    maxNumBatchedTokens: [Int] = [8192], precisions: [Precision] = [Precision()],
    router: RouterKind = .leastOutstanding, tolerance: Double = 0.05, maxRate: Double = 1000,
    requestsPerReplica: Int = 200, seed: UInt64 = 0
  ) {
    self.name = name
    self.model = model
    self.workload = workload
    self.slo = slo
    self.objective = objective
    self.requiredRate = requiredRate
    self.clusters = clusters
    self.engines = engines
    self.data = data
    self.tensor = tensor
    self.pipeline = pipeline
    self.expert = expert
    self.tensorWithinNode = tensorWithinNode
    self.policies = policies
    self.maxNumSeqs = maxNumSeqs
    self.maxNumBatchedTokens = maxNumBatchedTokens
    self.precisions = precisions
    self.router = router
    self.tolerance = tolerance
    self.maxRate = maxRate
    self.requestsPerReplica = requestsPerReplica
    self.seed = seed
  }
}

extension SearchSpace {
  /// Every (expert, attention data) pair of the space, in order.
  var expertAndAttentionData: [(Int, Int)] {
    expert.sorted().flatMap { e in attentionData.sorted().map { (e, $0) } }
  }
}
