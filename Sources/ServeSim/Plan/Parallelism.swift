/// Degrees of each kind of parallelism.
public struct Parallelism: Sendable, Equatable {
  public var data: Int
  public var tensor: Int
  public var pipeline: Int
  public var expert: Int
  /// Decoder layers of each pipeline stage, first to last; nil splits evenly
  /// (the earlier stages take the remainder, as vLLM's `get_pp_indices`).
  public var stageLayers: [Int]?
  /// Expert load imbalance under expert parallelism: the busiest rank gets
  /// (1 + this) times the mean of the routed tokens (0: uniform).
  public var expertImbalance: Double = 0
  /// Expert slots beyond the model's routed experts on each expert-parallel
  /// group, holding second copies of experts so that the slots divide
  /// evenly over the ranks and the load spreads (expert-parallel load
  /// balancing, EPLB): SGLang 0.5 `--ep-num-redundant-experts` (physical
  /// experts = logical + this, which `ep_size` must divide:
  /// `ExpertLocationMetadata._init_common`, srt/eplb/expert_location.py;
  /// DeepSeek's 256 experts and 32 copies over 24, 48 or 72 GPUs), vLLM
  /// `--num-redundant-experts` with `--enable-eplb`, TensorRT-LLM's
  /// `moe_config.load_balancer.num_slots` (experts + this). Each copy holds
  /// an expert's whole weights. Applies where the expert degree is above 1
  /// (the plan's or a disaggregated pool's); 0: none.
  public var redundantExperts = 0
  /// Attention data-parallel ranks of one replica (DeepSeek-style "DP
  /// attention"): the replica's `tensor` devices split into this many
  /// attention ranks, each with its own batch, KV cache and scheduler,
  /// attention tensor-parallel over `attentionTensor` devices; the MoE
  /// layers run over all `tensor` devices (SGLang 0.5 `--enable-dp-attention
  /// --dp-size N --tp-size G`, TensorRT-LLM 1.0 `enable_attention_dp`).
  /// 1: off.
  public var attentionData = 1

  public init(
    data: Int = 1, tensor: Int = 1, pipeline: Int = 1, expert: Int = 1, stageLayers: [Int]? = nil
  ) {
    self.data = data
    self.tensor = tensor
    self.pipeline = pipeline
    self.expert = expert
    self.stageLayers = stageLayers
  }

  /// Layers of each stage for a model of `layers` layers.
  public func layersPerStage(of layers: Int) -> [Int] {
    if let stageLayers, stageLayers.count == pipeline { return stageLayers }
    let p = max(pipeline, 1)
    return (0..<p).map { layers / p + ($0 < layers % p ? 1 : 0) }
  }

  /// Devices of one attention rank's tensor group (`tensor` without attention
  /// data parallelism).
  public var attentionTensor: Int { tensor / max(attentionData, 1) }

  /// Expert slots of `moe` under this layout: the routed experts plus the
  /// redundant copies where experts are spread over ranks
  /// (`redundantExperts`).
  public func expertSlots(_ moe: MoESpec) -> Int { moe.experts + expertCopies }

  /// The redundant copies this layout holds: `redundantExperts` where
  /// experts are spread over ranks (expert degree above 1), else none.
  public var expertCopies: Int { expert > 1 ? redundantExperts : 0 }

  /// Devices one replica uses.
  public var devicesPerReplica: Int { tensor * pipeline }
  /// Devices the plan uses.
  public var devices: Int { data * devicesPerReplica }
}
