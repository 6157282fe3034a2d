import Foundation
import ServeSim

/// Reads the kernel profiles published with the Vidur simulator (Agrawal et
/// al., MLSys 2024; MIT licence): `mlp.csv` (a transformer block's token-level
/// operators per token count and tensor-parallel degree) and the network
/// `all_reduce.csv` / `send_recv.csv` (NCCL by message size). Times are
/// milliseconds; the import keeps the median and uses the standard deviation
/// as the spread.
///
/// Operators of `mlp.csv`, each sharded for the row's tensor-parallel degree t
/// (m tokens, hidden h, heads a, KV heads g, head size d = h/a, MLP inner f):
/// `attn_pre_proj` → gemm m × (a + 2g)·d/t × h; `attn_post_proj` → gemm
/// m × h × a·d/t; `mlp_up_proj` → gemm m × 2f/t × h (gated; f/t otherwise);
/// `mlp_down_proj` → gemm m × h × f/t; `input_layernorm`,
/// `post_attention_layernorm` → rmsnorm of 2·m·h·2 bytes; `attn_rope` →
/// rotary of 2·m·(a + g)·d/t·2 bytes; `mlp_act` → silu_mul of 3·m·f/t·2 bytes;
/// `add` → add of 3·m·h·2 bytes. Vidur profiles in fp16. Network rows are
/// kept when all ranks share a node (`num_workers` ≤ `devices_per_node`).
public enum VidurImport {
  /// The device a Vidur file belongs to, from its path: `compute/<device>/...`
  /// or `network/<device>_<system>/...` ("h100", "a100").
  public static func device(fromPath path: String) -> String? {
    let parts = path.split(separator: "/").map(String.init)
    for (i, part) in parts.enumerated() where i + 1 < parts.count {
      if part == "compute" { return parts[i + 1] }
      if part == "network" {
        return String(parts[i + 1].split(separator: "_").first ?? Substring(parts[i + 1]))
      }
    }
    return nil
  }

  /// Whether a file looks like one of Vidur's (by its header).
  public static func recognises(file: String) -> Bool {
    guard let table = try? CSVTable.calibration(file: file) else { return false }
    return kind(table) != nil
  }

  enum Kind { case mlp, network(CalibrationOp) }

  static func kind(_ table: CSVTable) -> Kind? {
    if table.index("time_stats.attn_pre_proj.median") != nil { return .mlp }
    if table.index("time_stats.all_reduce.median") != nil { return .network(.allReduce) }
    if table.index("time_stats.send_recv.median") != nil { return .network(.sendRecv) }
    return nil
  }

  /// Reads a Vidur file into measurements of `device`.
  ///
  /// - Parameters:
  ///   - importedAt: the time stamp given to the rows (ISO 8601).
  /// - Throws: `CalibrationError.badInput` naming the line and column.
  public static func read(file: String, device: String, importedAt: String) throws(CalibrationError)
    -> [KernelMeasurement]
  {
    let table = try CSVTable.calibration(file: file)
    guard let kind = kind(table) else {
      throw .badInput(
        file: file, line: 1, column: nil,
        message:
          "not a Vidur profile: expected the columns of mlp.csv (time_stats.attn_pre_proj.median, ...) or of all_reduce.csv / send_recv.csv"
      )
    }
    let model = (file as NSString).deletingLastPathComponent.split(separator: "/").last.map(String.init) ?? ""
    func base(_ op: CalibrationOp, _ shape: OperatorShape, median: Double, std: Double, label: String)
      -> KernelMeasurement
    {
      KernelMeasurement(
        device: device, backend: "vidur", backendVersion: "vidur profile (PyTorch and Sarathi-Serve kernels)",
        op: op, dtype: .fp16, shape: shape, medianUs: median * 1000, spreadUs: std * 1000, repeats: 0,
        measuredAt: importedAt, host: "vidur", label: label)
    }
    var out = [KernelMeasurement]()
    switch kind {
    case .mlp:
      let names = [
        "n_head", "n_kv_head", "n_embd", "n_expanded_embd", "use_gated_mlp", "num_tokens",
        "num_tensor_parallel_workers",
      ]
      var index = [String: Int]()
      for name in names { index[name] = try table.require(name) }
      let ops = [
        "attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj", "input_layernorm",
        "post_attention_layernorm", "attn_rope", "mlp_act", "add",
      ]
      var columns = [String: (Int, Int)]()
      for op in ops {
        columns[op] = (
          try table.require("time_stats.\(op).median"), try table.require("time_stats.\(op).std")
        )
      }
      for row in table.rows {
        func int(_ name: String) throws(CalibrationError) -> Int {
          let i = index[name] ?? 0
          let v = try table.count(row, i)
          if v == 0 {
            throw .badInput(file: file, line: row.line, column: name, message: "must be 1 or more")
          }
          return v
        }
        let a = try int("n_head")
        let g = try int("n_kv_head")
        let h = try int("n_embd")
        let f = try int("n_expanded_embd")
        let m = try int("num_tokens")
        let t = try int("num_tensor_parallel_workers")
        let gated = table.field(row, index["use_gated_mlp"] ?? 0).lowercased() == "true"
        let d = h / a
        let shapes: [(String, CalibrationOp, OperatorShape)] = [
          ("attn_pre_proj", .gemm, OperatorShape(m: m, n: (a + 2 * g) * d / t, k: h)),
          ("attn_post_proj", .gemm, OperatorShape(m: m, n: h, k: a * d / t)),
          ("mlp_up_proj", .gemm, OperatorShape(m: m, n: (gated ? 2 : 1) * f / t, k: h)),
          ("mlp_down_proj", .gemm, OperatorShape(m: m, n: h, k: f / t)),
          ("input_layernorm", .rmsnorm, OperatorShape(bytes: 2 * m * h * 2)),
          ("post_attention_layernorm", .rmsnorm, OperatorShape(bytes: 2 * m * h * 2)),
          ("attn_rope", .rotary, OperatorShape(bytes: 2 * m * (a + g) * d / t * 2)),
          ("mlp_act", gated ? .siluMul : .elementwise, OperatorShape(bytes: (gated ? 3 : 2) * m * f / t * 2)),
          ("add", .add, OperatorShape(bytes: 3 * m * h * 2)),
        ]
        for (name, op, shape) in shapes {
          guard let (mi, si) = columns[name], let median = try table.double(row, mi), median > 0 else {
            continue
          }
          let std = try table.double(row, si) ?? 0
          out.append(base(op, shape, median: median, std: std, label: "\(name) \(model) tp\(t)"))
        }
      }
    case .network(let op):
      let median = try table.require("time_stats.\(op.rawValue).median")
      let std = try table.require("time_stats.\(op.rawValue).std")
      let size = try table.require("size")
      let workers = try table.require("num_workers")
      let perNode = try table.require("devices_per_node")
      for row in table.rows {
        let ranks = try table.count(row, workers)
        let local = try table.count(row, perNode)
        guard ranks >= 2, ranks <= local, let t = try table.double(row, median), t > 0 else { continue }
        let bytes = try table.count(row, size)
        out.append(
          base(
            op, OperatorShape(bytes: bytes, ranks: ranks), median: t, std: try table.double(row, std) ?? 0,
            label: "\(op.rawValue) \(ranks) ranks in one node"))
      }
    }
    return out
  }
}
