import ServeSim

/// The kernel tables of the validation suite (DeepGEMM's fp8 GEMMs,
/// nccl-tests' all-reduce sweeps), read row by row into kernels that the cost
/// model prices as `servesim cost` does; rows on hardware servesim does not
/// model are counted by reason.
extension ValidationSuite {
  /// GPUs of DeepGEMM's table: (report name, device file stem under
  /// `clusters/devices`). The H800 is H100 silicon (the same SMs, HBM3 and
  /// clocks; only its NVLink is cut, which a single GEMM does not use).
  static let kernelDevices = ["H800": ("H800", "h100-sxm"), "H100": ("H100", "h100-sxm")]

  /// Systems of the nccl-tests table: (GPU column, nodes × GPUs) → (report
  /// name, cluster file stem under `clusters/`). The MI350X rows price on
  /// the MI355X node's links (the same CDNA 4 GPU and Infinity Fabric at a
  /// lower clock; a collective depends on the links only).
  static let ncclSystems = [
    "H100-SXM-80GB 2x16": ("H100", "gcp-a3-mega-x2"), "H200 2x16": ("H200", "dell-h200-roce-x2"),
    "MI300X 1x8": ("MI300X", "mi300x-8"), "MI350X 1x8": ("MI350X", "mi355x-8"),
  ]

  /// Checks that `table` has `columns`.
  ///
  /// - Throws: `ConfigError` naming the file and the first missing column.
  static func require(_ columns: [String], in table: CSVTable) throws(ConfigError) {
    for column in columns where table.index(column) == nil {
      throw ConfigError(
        file: table.file, line: 1, keyPath: column,
        message: "missing column '\(column)'; the table needs \(columns.joined(separator: ", "))")
    }
  }

  /// DeepGEMM's fp8 GEMMs on H800 (README, two commits): dense, grouped
  /// contiguous (MoE prefill: `num_groups` experts of `m_per_group` rows) and
  /// grouped masked (MoE decode: likewise, each group padded to its rows).
  /// The time is `time_us_derived` = 2·m·n·k / TFLOPS of the row.
  ///
  /// The calibration part is what `scripts/build-calibration` imports into
  /// the H100 store: every other dense row of the later commit (55ab91f),
  /// and any row of the earlier commit that prints the same shape and
  /// figure (the same measurement). All other rows are held out.
  static func deepGEMM(_ table: CSVTable, into suite: inout ValidationSuite) throws(ConfigError) {
    let name = "deepgemm"
    try require(
      [
        "source_commit", "gpu", "kernel_kind", "dtype", "num_groups", "m_per_group", "m_total", "n", "k",
        "tflops", "time_us_derived",
      ], in: table)
    let rows = table.rows.map { Row(table: table, fields: $0.fields) }
    func key(_ row: Row) -> String {
      "\(row["kernel_kind"])/\(row["m_total"])/\(row["n"])/\(row["k"])/\(row["tflops"])"
    }
    let imported = rows.filter { $0["source_commit"].hasPrefix("55ab91f") && $0["kernel_kind"] == "dense" }
    let calibration = Set(imported.enumerated().filter { $0.offset % 2 == 0 }.map { key($0.element) })
    for row in rows {
      guard let (gpu, device) = kernelDevices[row["gpu"]] else {
        suite.skip(name, "GPU not modelled: \(row["gpu"])")
        continue
      }
      guard row["dtype"].hasPrefix("fp8") else {
        suite.skip(name, "dtype not modelled: \(row["dtype"])")
        continue
      }
      let kind = row["kernel_kind"]
      let grouped = kind == "grouped_contiguous" || kind == "grouped_masked"
      guard kind == "dense" || grouped else {
        suite.skip(name, "kernel not modelled: \(kind)")
        continue
      }
      guard let n = row.int("n"), let k = row.int("k"), let us = row.double("time_us_derived"),
        let m = row.int(grouped ? "m_per_group" : "m_total"), m > 0, n > 0, k > 0
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      let groups = grouped ? row.int("num_groups") ?? 1 : 1
      let shape = OperatorShape(m: m, n: n, k: k, groups: grouped ? groups : 0)
      let commit = String(row["source_commit"].prefix(7))
      let id =
        grouped ? "\(commit)/\(kind)/g\(groups)-m\(m)-n\(n)-k\(k)" : "\(commit)/dense/m\(m)-n\(n)-k\(k)"
      suite.add(
        ValidationKernel(
          suite: name, id: id, gpu: gpu, engine: "deepgemm", op: .gemm, shape: shape, dtype: .fp8,
          quantisesInput: false, fp8Scaling: .block, measuredUs: us, heldOut: !calibration.contains(key(row))),
        target: .device(device))
    }
  }

  /// GPUs of aiter's tuned GEMM tables by compute units: (report name,
  /// device file stem). The MI325X has the MI300X's 304 CUs; its rows are
  /// the MI300X's (the table names no GPU).
  static let aiterDevices = [304: ("MI300X", "mi300x"), 256: ("MI355X", "mi355x")]

  /// AMD aiter's tuned fp8 block-scaled GEMMs (`a8w8_blockscale_tuned_gemm.csv`
  /// of the amd-aiter 0.1.7.post2.dev18 wheel): the best CK kernel's time per
  /// shape on a GPU of `cu_num` compute units, DeepSeek-V3's projections on
  /// MI300X and many shapes on MI355X. The calibration part is what
  /// `scripts/build-calibration` imports into the GPU's store: every other
  /// row of that GPU's, in file order; the rest are held out.
  static func aiter(_ table: CSVTable, into suite: inout ValidationSuite) throws(ConfigError) {
    let name = "aiter"
    try require(["cu_num", "M", "N", "K", "us"], in: table)
    var seen = [Int: Int]()
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      // Counted as scripts/build-calibration counts a GPU's rows.
      let cu = row.int("cu_num") ?? 0
      let index = seen[cu, default: 0]
      seen[cu] = index + 1
      guard let (shape, us) = gemmRow(row, columns: ("M", "N", "K", "us")) else {
        suite.skip(name, "incomplete row")
        continue
      }
      guard let (gpu, device) = aiterDevices[cu] else {
        suite.skip(name, "GPU not modelled: \(cu) compute units (MI308X)")
        continue
      }
      suite.addBlockGEMM(
        name, shape: shape, us: us, gpu: gpu, device: device, engine: "aiter", heldOut: index % 2 == 1)
    }
  }

  /// GPUs of AIConfigurator's GEMM table: (report name, device file stem).
  static let aiConfiguratorDevices = [
    "H100": ("H100", "h100-sxm"), "H200": ("H200", "h200-sxm"), "B200": ("B200", "b200"),
  ]

  /// NVIDIA AIConfigurator's measured GEMMs (`aiconfigurator-core` 0.12.0,
  /// `systems/data/<gpu>/gemm/<framework>/<version>`, the shapes of
  /// DeepSeek-V3's projections; `scripts/extract-aiconfigurator-gemm`):
  /// SGLang 0.5.14's DeepGEMM `gemm_nt_f8f8bf16` (fp8 block-scaled) on H200
  /// and B200, engine `deepgemm`; TensorRT-LLM 1.3.0rc20's GEMMs in bf16,
  /// fp8 block-scaled and NVFP4 (B200 only), engine `trtllm-<format>`. No fit
  /// reads them: every row is held out. The H200 prices on the H100's
  /// measured kernels carried over by the datasheet ratios, the B200 on the
  /// same at its fitted achieved share of peak (`efficiency.compute`; NVFP4
  /// at the carried fp8 fit's share of its own peak, `Calibration.nvfp4Fits`),
  /// so the table checks both transfers on the GPUs' own kernels. Priced
  /// without the kernel that quantises the input (TensorRT-LLM fuses it into
  /// the producer, `EngineProfile.fusesActivationQuantisation`).
  static func aiConfigurator(_ table: CSVTable, into suite: inout ValidationSuite) throws(ConfigError) {
    let name = "aiconfigurator"
    try require(["gpu", "gemm_dtype", "m", "n", "k", "latency_ms"], in: table)
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      let format = row["gemm_dtype"]
      let kernel = aiConfiguratorKernels["\(row["framework"]) \(format)"]
      if let skip = aiConfiguratorSkip(row, format: kernel == nil ? "\(row["framework"]) \(format)" : nil) {
        suite.skip(name, skip)
        continue
      }
      guard let kernel, let (gpu, device) = aiConfiguratorDevices[row["gpu"]],
        let (shape, ms) = gemmRow(row, columns: ("m", "n", "k", "latency_ms"))
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      // SGLang's rows, the table's first, keep their ids.
      let source = row["framework"] == "SGLang" ? "" : "\(row["framework"].lowercased())/\(format)/"
      suite.add(
        ValidationKernel(
          suite: name, id: "\(device)/\(source)m\(shape.m)-n\(shape.n)-k\(shape.k)", gpu: gpu,
          engine: kernel.engine, op: .gemm, shape: shape, dtype: kernel.dtype, quantisesInput: false,
          fp8Scaling: kernel.dtype == .fp8 ? .block : .tensor, measuredUs: ms * 1000, heldOut: true),
        target: .device(device))
    }
  }

  /// The kernels of AIConfigurator's GEMM tables that servesim prices, by
  /// framework and format: their math format (fp8 with 128-wide block
  /// scales, NVFP4, bf16) and the engine they are reported under.
  /// TensorRT-LLM's per-tensor fp8, which its table times with the input's
  /// quantisation, is not.
  static let aiConfiguratorKernels: [String: (dtype: DType, engine: String)] = [
    "SGLang fp8_block": (.fp8, "deepgemm"), "TRTLLM fp8_block": (.fp8, "trtllm-fp8_block"),
    "TRTLLM nvfp4": (.fp4, "trtllm-nvfp4"), "TRTLLM bfloat16": (.bf16, "trtllm-bf16"),
  ]

  /// Why a row of an AIConfigurator table is not compared (nil: it is):
  /// `format`, its format when the table leaves that out, or a GPU servesim
  /// does not model.
  static func aiConfiguratorSkip(_ row: Row, format: String?) -> String? {
    if let format { return "format not compared: \(format)" }
    if aiConfiguratorDevices[row["gpu"]] == nil { return "GPU not modelled: \(row["gpu"])" }
    return nil
  }

  /// A dense GEMM row's shape and time from its `columns` (m, n, k, time), or
  /// nil when one is missing or not positive.
  static func gemmRow(_ row: Row, columns: (String, String, String, String)) -> (OperatorShape, Double)? {
    guard let m = row.int(columns.0), let n = row.int(columns.1), let k = row.int(columns.2),
      let time = row.double(columns.3), m > 0, n > 0, k > 0
    else { return nil }
    return (OperatorShape(m: m, n: n, k: k), time)
  }

  /// Adds a dense fp8 block-scaled GEMM of `shape` measured at `us`
  /// microseconds, priced on `device` without the kernel that quantises its
  /// input.
  mutating func addBlockGEMM(
    _ name: String, shape: OperatorShape, us: Double, gpu: String, device: String, engine: String,
    heldOut: Bool
  ) {
    add(
      ValidationKernel(
        suite: name, id: "\(device)/m\(shape.m)-n\(shape.n)-k\(shape.k)", gpu: gpu, engine: engine, op: .gemm,
        shape: shape, dtype: .fp8, quantisesInput: false, fp8Scaling: .block, measuredUs: us, heldOut: heldOut
      ),
      target: .device(device))
  }

  /// nccl-tests `all_reduce_perf` sweeps: float32 sum over `gpus` ranks on
  /// `nodes` nodes, out-of-place time per message size (the harness's own
  /// launch cost included). Held out as the serving experiments are (the
  /// FNV-1a hash of suite/id, 0 mod 4).
  static func ncclTests(_ table: CSVTable, into suite: inout ValidationSuite) throws(ConfigError) {
    let name = "nccl-tests"
    try require(["collective", "gpu", "nodes", "gpus", "size_bytes", "oop_time_us"], in: table)
    for (_, fields) in table.rows {
      let row = Row(table: table, fields: fields)
      guard row["collective"] == "all_reduce" else {
        suite.skip(name, "collective not compared: \(row["collective"])")
        continue
      }
      guard let nodes = row.int("nodes"), let gpus = row.int("gpus"), let bytes = row.int("size_bytes"),
        let us = row.double("oop_time_us"), bytes > 0
      else {
        suite.skip(name, "incomplete row")
        continue
      }
      guard let (gpu, cluster) = ncclSystems["\(row["gpu"]) \(nodes)x\(gpus)"] else {
        let modelled = ncclSystems.keys.contains { $0.hasPrefix(row["gpu"] + " ") }
        suite.skip(
          name,
          modelled ? "system not modelled: \(nodes) nodes, \(gpus) GPUs" : "GPU not modelled: \(row["gpu"])")
        continue
      }
      let id = "\(cluster)/\(gpus)gpu/\(bytes)B"
      suite.add(
        ValidationKernel(
          suite: name, id: id, gpu: gpu, engine: "nccl", op: .allReduce,
          shape: OperatorShape(bytes: bytes, ranks: gpus), dtype: .fp32, measuredUs: us,
          heldOut: ValidationExperiment.stableHash("\(name)/\(id)") % 4 == 0),
        target: .cluster(cluster))
    }
  }
}
