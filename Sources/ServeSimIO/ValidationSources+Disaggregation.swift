import ServeSim

/// InferenceMAX's disaggregated multi-node rows (NVIDIA Dynamo over SGLang
/// or TensorRT-LLM workers, AMD's MoRI over SGLang).
extension ValidationSuite {
  /// Most measured requests a disaggregated run replays, unless its clients
  /// need more for two each: the thousands of clients of the large
  /// deployments would otherwise take minutes (their ranks step together,
  /// one request at a time, `Simulator+Lockstep`).
  static let disaggregatedRequestCap = 1024
  /// Most output tokens a disaggregated replay decodes (requests × mean
  /// output): the runs beyond it (8K outputs from 55 clients on, 1K
  /// outputs from 2,170) are skipped, so that the whole suite runs in
  /// about a minute here.
  static let disaggregatedTokenBudget = 4_000_000.0

  /// The requests a disaggregated run at `concurrency` replays: the source's
  /// 10 per client, at most `disaggregatedRequestCap` but at least 2 per
  /// client (a first wave and a second one).
  static func disaggregatedRequests(concurrency: Int) -> Int {
    min(10 * concurrency, max(2 * concurrency, disaggregatedRequestCap))
  }

  /// Whether `row`'s replay decodes within `disaggregatedTokenBudget`
  /// (outputs uniform in [0.8, 1] × osl, mean 0.9 × osl).
  static func replaysInBudget(_ row: Row) -> Bool {
    guard let concurrency = row.int("concurrency"), let osl = row.int("osl") else { return true }
    return Double(disaggregatedRequests(concurrency: concurrency)) * 0.9 * Double(osl)
      <= disaggregatedTokenBudget
  }

  /// The prefill and decode pools of a disaggregated row, or nil when the row
  /// gives no workers.
  ///
  /// The columns give each pool's workers (`*_num_workers`), GPUs
  /// (`num_*_gpu`), tensor and expert degrees and whether attention is data
  /// parallel. A worker's GPUs are the pool's GPUs over its workers; the
  /// `*_tp` column is the attention tensor degree in some recipes (SGLang's
  /// wide-EP GB200 rows give 1 for 4- to 48-GPU workers), so the worker's
  /// devices come from the counts, not from it. A worker with attention data
  /// parallelism has an attention rank per GPU; its experts span the `*_ep`
  /// column, or every GPU where that column gives 1 and the recipe runs wide
  /// EP (the tensor column short of the worker's GPUs); without it the
  /// worker is one tensor group, its experts over `*_ep`.
  /// The `--ep-num-redundant-experts` of LMSYS's large-scale EP DeepSeek
  /// recipes (SGLang 0.4.7 on, 96 H100s in May 2025 and a GB200 NVL72 in
  /// June 2025: 288 slots over 24, 48, 72 or 96 GPUs), which InferenceMAX's
  /// SGLang wide-EP workers over 24 and 48 GPUs need: SGLang refuses a
  /// degree that does not divide the physical experts
  /// (`ValidationExperiment.recipeRedundantExperts`). The dataset keeps no
  /// launch flags: our reading.
  static let sglangWideEPRedundantExperts = 32

  static func inferenceMaxPools(_ row: Row) -> ValidationPools? {
    func pool(_ side: String) -> Parallelism? {
      guard let workers = row.int("\(side)_num_workers"), workers > 0,
        let gpus = row.int("num_\(side)_gpu"), gpus > 0, gpus % workers == 0
      else { return nil }
      let devices = gpus / workers
      let listedTensor = row.int("\(side)_tp") ?? devices
      let listedExpert = row.int("\(side)_ep") ?? 1
      let attentionData = row["\(side)_dp_attention"] == "True"
      var expert = listedExpert
      if attentionData && listedExpert <= 1 && listedTensor < devices { expert = devices }
      // Whether the model's experts and heads allow the layout is the plan's
      // check (`PlanSpec.validate`): a replay it refuses could not run.
      var p = Parallelism(data: workers, tensor: devices, expert: expert)
      p.attentionData = attentionData ? devices : 1
      return p
    }
    guard let prefill = pool("prefill"), let decode = pool("decode") else { return nil }
    return ValidationPools(prefill: prefill, decode: decode)
  }
}
