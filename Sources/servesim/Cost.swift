import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

extension FP8Scaling: ExpressibleByArgument {}
extension EngineKind: ExpressibleByArgument {}

struct Cost: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Price single operators with the cost model (calibrated where a store is given).",
    discussion: """
      Examples:
        servesim cost --device clusters/devices/h100-sxm.yaml --op gemm --shape m=4096,n=8192,k=8192 --dtype bf16
        servesim cost --cluster clusters/dgx-h100.yaml --calibration reports/h100.sqlite --input ops.csv --output preds.csv
        servesim cost --device clusters/devices/h100-sxm.yaml --calibration reports/h100.sqlite --input measured.csv --compare
        servesim cost --device clusters/devices/b200.yaml --model models/deepseek-v3.yaml --op attention_prefill --shape batch=1,heads=16,q_tokens=8192,kv_tokens=8192
      ops.csv columns: \(CalibrationCSV.operatorColumns.joined(separator: ",")) (unused fields empty).
      --compare needs a measured_us column and prints the error table by operator.
      """)

  enum Use: String, ExpressibleByArgument, CaseIterable { case measured, fitted, datasheet }

  @Option(help: "A device file (clusters/devices/*.yaml).")
  var device: String?

  @Option(help: "A cluster file (clusters/*.yaml); needed for collectives.")
  var cluster: String?

  @Option(help: "A calibration store (servesim profile).")
  var calibration: String?

  @Option(help: "The store's device to use (default: the only one, or the one matching the device's name).")
  var calibrationDevice: String?

  @Option(
    help:
      "The best source to use: measured (all), fitted (ignore measurements), datasheet (ignore the store).")
  var use: Use = .measured

  @Option(help: "One operator: \(CalibrationOp.allCases.map(\.rawValue).joined(separator: ", ")).")
  var op: String?

  @Option(
    help:
      "Its shape: k=v pairs, e.g. m=4096,n=8192,k=8192; a gemm with groups=G is a grouped MoE GEMM of G experts of m rows each."
  )
  var shape: String?

  @Option(help: "Its math format.")
  var dtype = "bf16"

  @Option(help: "KV-cache format of attention (default: --dtype).")
  var kvDtype: String?

  @Option(
    help:
      "How an fp8 GEMM scales its operands: tensor (one scale per tensor, as torch._scaled_mm and ModelOpt FP8 checkpoints) or block (DeepSeek-V3's 1x128/128x128 blocks, as DeepGEMM). A device's store timed on the other kind prices it at CostModel.perTensorFP8Speedup; a store given with --calibration counts as per tensor (as servesim profile times them)."
  )
  var fp8Scaling: FP8Scaling = .tensor

  @Option(
    help:
      "A model file (models/*.yaml) whose multi-head latent attention prices attention_prefill (DeepSeek's MLA: the attention kernel over --shape's heads, without the kv_b expansion) and attention_decode (the absorbed kernel: --shape's heads over the shared latent cache of kv_tokens per sequence); a model without MLA leaves attention as it is."
  )
  var model: String?

  @Option(
    help:
      "With --model: tokens of a KV pool that the attention backend converts whole to 16 bits before an absorbed MLA kernel (attention_decode), as SGLang's fa3 backend does with an fp8 cache on Hopper (MLAPrefillDispatch.castsKVPool); 0: the kernel reads the cache as stored."
  )
  var kvPoolTokens = 0

  @Option(
    help:
      "The serving engine whose own kernels price attention_prefill and attention_decode where the device file gives them apart: trtllm (attention_tiles.trtllm: its context FMHA, its decode on the roofline unless given); default and other engines: FlashAttention-3's (attention_tiles)."
  )
  var engine: EngineKind?

  @Option(help: "An operator list (CSV).")
  var input: String?

  @Option(help: "Where to write the priced list (CSV; default: standard output).")
  var output: String?

  @Flag(help: "Compare with the list's measured_us column and print the error table.")
  var compare = false

  func validate() throws {
    if (device == nil) == (cluster == nil) {
      throw ValidationError("give one of --device FILE or --cluster FILE")
    }
    if (op == nil) == (input == nil) { throw ValidationError("give --op with --shape, or --input FILE") }
    if op != nil && shape == nil { throw ValidationError("--op needs --shape k=v,...") }
    if compare && input == nil {
      throw ValidationError("--compare needs --input FILE with a measured_us column")
    }
  }

  func badInput(_ message: String) -> ExitCode {
    ExitStatus.fail(message, status: ExitStatus.badInput)
  }

  func run() throws {
    var deviceSpec: DeviceSpec
    var clusterSpec: ClusterSpec?
    do {
      if let cluster {
        let spec = try CalibrationInputs.cluster(path: cluster)
        clusterSpec = spec
        deviceSpec = spec.device
      } else {
        deviceSpec = try CalibrationInputs.device(path: device ?? "")
      }
    } catch {
      throw badInput(error.description)
    }
    // --use applies to the device file's own store too.
    if use == .datasheet {
      deviceSpec.calibration = nil
    } else if use == .fitted {
      deviceSpec.calibration?.ceiling = .fitted
    }
    clusterSpec?.device = deviceSpec
    var mla: MLASpec?
    guard kvPoolTokens >= 0 else {
      throw badInput("--kv-pool-tokens must be 0 or more; found \(kvPoolTokens)")
    }
    if let model {
      do { mla = try CalibrationInputs.model(path: model).mla } catch { throw badInput(error.description) }
    }
    var calibrationValue: Calibration?
    if let calibration, use != .datasheet {
      do {
        calibrationValue = try CalibrationStore.open(existing: calibration).calibration(
          device: calibrationDevice, for: deviceSpec, ceiling: use == .fitted ? .fitted : .measured)
      } catch {
        throw ExitStatus.fail(error)
      }
    }
    func price(_ row: CalibrationCSV.OperatorRow) throws -> (seconds: Double, source: CostSource) {
      guard
        let priced = OperatorPricer.price(
          row.op, shape: row.shape, dtype: row.dtype, kvDType: row.kvDType, device: deviceSpec,
          cluster: clusterSpec, calibration: calibrationValue, fp8Scaling: fp8Scaling, mla: mla,
          kvPoolTokens: kvPoolTokens, engine: engine)
      else {
        throw badInput("line \(row.line): \(row.op.rawValue) is a collective: give --cluster FILE")
      }
      return priced
    }
    if let op {
      let row = try singleRow(op: op, latent: mla != nil)
      let (seconds, source) = try price(row)
      print("\(String(format: "%.3f", seconds * 1e6)) us (\(source.rawValue))")
      return
    }
    let file = input ?? ""
    let header: [String]
    let rows: [CalibrationCSV.OperatorRow]
    do { (header, rows) = try CalibrationCSV.readOperators(file: file) } catch {
      throw badInput(error.description)
    }
    var priced = [(row: CalibrationCSV.OperatorRow, seconds: Double, source: CostSource)]()
    for row in rows {
      let (s, source) = try price(row)
      priced.append((row, s, source))
    }
    if compare {
      guard header.contains("measured_us") else {
        throw badInput("\(file):1: column 'measured_us': --compare needs it in the header")
      }
      print(
        ErrorTable.render(
          priced.compactMap { p in
            p.row.measuredUs.map {
              (
                group: p.row.label.isEmpty ? p.row.op.rawValue : Self.group(p.row),
                predicted: p.seconds * 1e6, measured: $0, source: p.source
              )
            }
          }))
      if output == nil { return }
    }
    var b = CSVBuffer(capacity: rows.count * 96 + 256)
    b.text((header + ["latency_us", "source"]).joined(separator: ","))
    b.newline()
    for p in priced {
      for (i, field) in p.row.fields.enumerated() {
        if i > 0 { b.comma() }
        b.field(field)
      }
      b.comma()
      b.fixed(p.seconds * 1e6, 3)
      b.comma()
      b.text(p.source.rawValue)
      b.newline()
    }
    if let output {
      let folder = (output as NSString).deletingLastPathComponent
      do {
        _ = try AtomicWriter.write(
          [((output as NSString).lastPathComponent, b.bytes)], to: folder.isEmpty ? "." : folder)
      } catch {
        throw ExitStatus.fail(
          "cannot write \(output): \(error.localizedDescription)", status: ExitStatus.cannotRun)
      }
      print("priced \(rows.count) operators into \(output)")
    } else if !compare {
      FileHandle.standardOutput.write(Data(b.bytes))
    }
  }

  /// The error-table group of a labelled row: the label's first word (the
  /// source operator of an import, e.g. attn_pre_proj) and the op.
  static func group(_ row: CalibrationCSV.OperatorRow) -> String {
    let first = row.label.split(separator: " ").first.map(String.init) ?? row.label
    return first == row.op.rawValue ? first : "\(row.op.rawValue) \(first)"
  }

  /// Parses --op/--shape/--dtype into a row (errors name the option);
  /// `latent` (an MLA model given) lets attention go without kv_heads and
  /// head_dim, which the model's latent widths replace.
  func singleRow(op: String, latent: Bool) throws -> CalibrationCSV.OperatorRow {
    guard let kind = CalibrationOp(rawValue: op) else {
      throw badInput(
        "--op: unknown operator '\(op)'; valid: \(CalibrationOp.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    guard let compute = DType(rawValue: dtype) else {
      throw badInput(
        "--dtype: unknown dtype '\(dtype)'; valid: \(DType.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let kvText = kvDtype ?? dtype
    guard let kv = DType(rawValue: kvText) else {
      throw badInput(
        "--kv-dtype: unknown dtype '\(kvText)'; valid: \(DType.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    var values = [String: Int]()
    let valid = Array(CalibrationCSV.operatorColumns[3...]) + ["groups"]
    for pair in (shape ?? "").split(separator: ",") {
      let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, valid.contains(parts[0]) else {
        throw badInput("--shape: '\(pair)' is not key=value with a key of \(valid.joined(separator: ", "))")
      }
      guard let v = Int(parts[1]), v >= 0 else {
        throw badInput("--shape: \(parts[0]) must be a whole number, 0 or more; found '\(parts[1])'")
      }
      values[parts[0]] = v
    }
    let widths = latent ? ["kv_heads", "head_dim"] : []
    for name in OperatorShape.requiredFields(kind) where (values[name] ?? 0) == 0 && !widths.contains(name) {
      throw badInput("--shape: \(kind.rawValue) needs \(name) (1 or more)")
    }
    let s = OperatorShape(
      m: values["m"] ?? 0, n: values["n"] ?? 0, k: values["k"] ?? 0, batch: values["batch"] ?? 0,
      heads: values["heads"] ?? 0, kvHeads: values["kv_heads"] ?? 0, headDim: values["head_dim"] ?? 0,
      qTokens: values["q_tokens"] ?? 0, kvTokens: values["kv_tokens"] ?? 0, bytes: values["bytes"] ?? 0,
      ranks: values["ranks"] ?? 0, groups: values["groups"] ?? 0)
    if s.groups > 0 && kind != .gemm {
      throw badInput("--shape: groups applies to gemm only (a grouped MoE GEMM), not \(kind.rawValue)")
    }
    if kind == .attentionPrefill && s.qTokens > s.kvTokens {
      throw badInput("--shape: q_tokens (\(s.qTokens)) exceeds kv_tokens (\(s.kvTokens)), which include them")
    }
    return CalibrationCSV.OperatorRow(
      line: 0, op: kind, dtype: compute, kvDType: kv, shape: s, measuredUs: nil, label: "", fields: [])
  }
}
