import ServeSim
import ServeSimIO

let args = CommandLine.arguments
let plan = try PlanLoader.load(path: args[1])
let m = Double(args[2]) ?? 4
let ctx = Double(args.count > 3 ? args[3] : "1000") ?? 1000
var cost = CostModel(
  model: plan.model, device: plan.cluster.device, precision: plan.precision,
  tensorGroup: CommGroup(ranks: plan.parallelism.tensor, cluster: plan.cluster, engine: plan.engine),
  calibration: plan.calibration)
cost.expertParallel = plan.parallelism.expert
let mode = LaunchMode.graph
func us(_ e: OperatorEstimate) -> String { String(format: "%8.1f us", e.seconds * 1e6) }
print("norm", us(cost.norm(tokens: m, mode: mode)))
if plan.model.mla != nil {
  print("mlaBlock", us(cost.mlaBlock(tokens: m, mode: mode)))
} else {
  print("attnBlock", us(cost.attentionBlock(tokens: m, mode: mode)))
}
print("moeBlock", us(cost.moeBlock(tokens: m, mode: mode)))
print("mlpBlock", us(cost.mlpBlock(tokens: m, mode: mode)))
print("allreduce", us(cost.allReduceEstimate(tokens: m)))
var shape = BatchShape()
for _ in 0..<Int(m) { shape.addDecode(context: Int(ctx)) }
print("attnDecode", us(cost.attentionDecode(shape, mode: mode)))
print("sampling", us(cost.sampling(sampled: m, mode: mode)))
print("embedding", us(cost.embedding(tokens: m, mode: mode)))
var profile = EngineProfile.of(plan.engine, device: plan.cluster.device, parallelism: plan.parallelism)
var pricer = IterationPricer(cost: cost, profile: profile, maxTokens: 10000)
let it = pricer.price(shape)
print(
  "iteration perLayer", it.perLayer * 1e6, "moe", it.perMoELayer * 1e6, "head", it.head * 1e6, "tail",
  it.tail * 1e6, "graph", it.graph)
var pf = BatchShape(); pf.addPrefill(chunk: Int(ctx), context: Int(ctx), samples: true)
let p = pricer.price(pf)
print(
  "prefill perLayer", p.perLayer * 1e6, "moe", p.perMoELayer * 1e6, "head", p.head * 1e6, "tail", p.tail * 1e6
)
print(
  "prefill mla", us(cost.mlaBlock(tokens: ctx, mode: .eager)), "moe",
  us(cost.moeBlock(tokens: ctx, mode: .eager)), "attn", us(cost.attentionPrefill(pf, mode: .eager)))
