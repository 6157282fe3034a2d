import Foundation
import Testing

@Suite(.serialized) struct CostCommandTests {
  @Test func pricesOneOperatorFromTheDatasheet() throws {
    let run = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "gemm", "--shape", "m=4096,n=8192,k=8192",
      "--dtype", "bf16", "--use", "datasheet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasSuffix(" us (datasheet)\n"))
    let micros = Double(run.stdout.split(separator: " ").first ?? "") ?? 0
    // 2·4096·8192·8192 FLOPs at 989 TFLOP/s × 0.78 is about 713 us.
    #expect(micros > 600 && micros < 800)
    // Without --use the device file's shipped store prices it from measurements.
    let calibrated = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "gemm", "--shape", "m=4096,n=8192,k=8192",
      "--dtype", "bf16",
    ])
    #expect(calibrated.stdout.hasSuffix(" us (measured)\n"), "\(calibrated.stdout)")
  }

  @Test func aModelWithLatentAttentionPricesPrefillAsMLA() throws {
    let run = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/b200.yaml", "--model", "models/deepseek-v3.yaml", "--op",
      "attention_prefill", "--shape", "batch=1,heads=16,q_tokens=8192,kv_tokens=8192",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let micros = Double(run.stdout.split(separator: " ").first ?? "") ?? 0
    // 2·16·(8192²/2 + 8192/2)·(192 + 128) FLOPs at 2,250 TFLOP/s × 0.50: 305 us,
    // plus 177 MB of keys, values, queries and outputs at 8 TB/s × 0.80: 28 us,
    // plus the launch (compute and memory add: `mlaPrefillAttentionKernel`).
    #expect(micros > 330 && micros < 345, "\(run.stdout)")
    // A model without MLA leaves attention needing its head widths.
    let plain = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/b200.yaml", "--model", "models/llama-3.1-8b.yaml", "--op",
      "attention_prefill", "--shape", "batch=1,heads=16,q_tokens=8192,kv_tokens=8192",
    ])
    #expect(plain.status == 64 && plain.stderr.contains("needs kv_heads"), "\(plain.stderr)")
  }

  /// `--model` with MLA prices decode attention as the absorbed latent
  /// kernel, and `--kv-pool-tokens` adds the conversion of a whole fp8 pool.
  /// The microseconds `servesim cost` prints for `arguments`.
  static func micros(_ arguments: [String]) throws -> Double {
    let run = try CalibrationCLI.servesim(["cost"] + arguments)
    #expect(run.status == 0, "\(run.stderr)")
    return Double(run.stdout.split(separator: " ").first ?? "") ?? 0
  }

  @Test func aModelWithLatentAttentionPricesDecodeAsMLA() throws {
    func micros(_ extra: [String]) throws -> Double {
      try Self.micros(
        [
          "--device", "clusters/devices/h200-sxm.yaml", "--model", "models/deepseek-v3.yaml", "--op",
          "attention_decode", "--shape", "batch=64,heads=16,q_tokens=1,kv_tokens=8192",
        ] + extra)
    }
    let bf16 = try micros([])
    let fp8 = try micros(["--kv-dtype", "fp8"])
    let cast = try micros(["--kv-dtype", "fp8", "--kv-pool-tokens", "524288"])
    // 604 MB of bf16 latent at 4.8 TB/s × 0.80: 157 us; fp8 reads half.
    #expect(bf16 > 140 && bf16 < 190, "\(bf16)")
    #expect(fp8 < bf16 * 0.7)
    // The pool: 524,288 × 576 elements read in fp8 and written in bf16.
    #expect(cast > bf16 + 150, "\(cast)")
  }

  @Test func anFP8GEMMIsPricedForItsScaling() throws {
    func micros(_ extra: [String]) throws -> Double {
      try Self.micros(
        [
          "--device", "clusters/devices/h100-sxm.yaml", "--op", "gemm", "--shape", "m=8192,n=8192,k=8192",
          "--dtype", "fp8",
        ]
          + extra)
    }
    // The H100 store's fp8 GEMMs are DeepGEMM's block-scaled kernels: a
    // per-tensor GEMM (the default) computes 1.15 times as fast.
    let block = try micros(["--fp8-scaling", "block"])
    let tensor = try micros([])
    #expect(tensor < block && block / tensor > 1.1 && block / tensor < 1.16, "\(block) \(tensor)")
    let bad = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "gemm", "--shape", "m=1,n=1,k=1",
      "--fp8-scaling", "row",
    ])
    #expect(bad.status == 64 && bad.stderr.contains("tensor"), "\(bad.stderr)")
  }

  @Test func pricesAGroupedMoEGEMM() throws {
    func micros(_ shape: String) throws -> Double {
      let run = try CalibrationCLI.servesim([
        "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "gemm", "--shape", shape, "--dtype",
        "fp8",
        "--use", "datasheet",
      ])
      #expect(run.status == 0, "\(run.stderr)")
      return Double(run.stdout.split(separator: " ").first ?? "") ?? 0
    }
    // Four experts of 256 rows read four weights (117 MB of fp8, 44 us at
    // 80% of 3.35 TB/s); one GEMM of 1,024 rows reads one and is compute bound.
    let grouped = try micros("m=256,n=4096,k=7168,groups=4")
    let dense = try micros("m=1024,n=4096,k=7168")
    #expect(grouped > dense && grouped > 44)
    let bad = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "rmsnorm", "--shape",
      "bytes=100,groups=2",
    ])
    #expect(bad.status == 64 && bad.stderr.contains("groups applies to gemm only"))
  }

  @Test func calibratedListAndCompare() throws {
    let folder = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let db = folder + "/h100.sqlite"
    let imported = try CalibrationCLI.servesim([
      "profile", "--db", db, "--import",
      "clusters/profiles/vidur/compute/h100/meta-llama/Llama-2-7b-hf/mlp.csv",
      "--import", "clusters/profiles/vidur/network/h100_dgx/all_reduce.csv",
    ])
    #expect(imported.status == 0, "\(imported.stderr)")
    let ops = """
      op,dtype,kv_dtype,m,n,k,batch,heads,kv_heads,head_dim,q_tokens,kv_tokens,bytes,ranks,measured_us
      gemm,bf16,,512,12288,4096,,,,,,,,,150
      gemm,bf16,,500,10240,8192,,,,,,,,,300
      attention_decode,bf16,bf16,,,,8,32,8,128,,4096,,,100
      all_reduce,bf16,,,,,,,,,,,1048576,8,40
      elementwise,bf16,,,,,,,,,,,1000000,,5

      """
    try ops.write(toFile: folder + "/ops.csv", atomically: true, encoding: .utf8)
    let run = try CalibrationCLI.servesim([
      "cost", "--cluster", "clusters/dgx-h100.yaml", "--calibration", db, "--input", folder + "/ops.csv",
      "--output", folder + "/preds.csv",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let preds = try String(contentsOfFile: folder + "/preds.csv", encoding: .utf8).split(separator: "\n")
    #expect(preds.first?.hasSuffix(",measured_us,latency_us,source") == true)
    #expect(preds.count == 6)
    #expect(preds[1].hasSuffix(",measured"))  // Llama-2-7B's QKV at tensor 1 is in the store
    #expect(preds[2].hasSuffix(",fitted"))  // a shape of another model: the fit
    #expect(preds[3].hasSuffix(",datasheet"))  // no attention in Vidur's mlp.csv
    #expect(preds[4].hasSuffix(",measured"))
    let compare = try CalibrationCLI.servesim([
      "cost", "--cluster", "clusters/dgx-h100.yaml", "--calibration", db, "--input", folder + "/ops.csv",
      "--compare",
    ])
    #expect(compare.status == 0)
    #expect(
      compare.stdout.contains("median") && compare.stdout.contains("p90") && compare.stdout.contains("worst"))
    #expect(compare.stdout.contains("gemm") && compare.stdout.contains("all_reduce"))
  }

  @Test func badInputNamesFileLineAndColumnAndExits64() throws {
    let folder = try CalibrationCLI.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try
      "op,dtype,kv_dtype,m,n,k,batch,heads,kv_heads,head_dim,q_tokens,kv_tokens,bytes,ranks\ngemm,bf16,,4,4,4,,,,,,,,\nall_reduce,bf16,,,,,,,,,,,-5,8\n"
      .write(toFile: folder + "/ops.csv", atomically: true, encoding: .utf8)
    let run = try CalibrationCLI.servesim([
      "cost", "--cluster", "clusters/dgx-h100.yaml", "--input", folder + "/ops.csv",
    ])
    #expect(run.status == 64)
    #expect(run.stderr.contains("ops.csv:3: column 'bytes'"))
    let collective = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "all_reduce", "--shape",
      "bytes=1000,ranks=8",
    ])
    #expect(collective.status == 64 && collective.stderr.contains("--cluster"))
    let shape = try CalibrationCLI.servesim([
      "cost", "--device", "clusters/devices/h100-sxm.yaml", "--op", "gemm", "--shape", "m=4,x=2,k=3",
    ])
    #expect(shape.status == 64 && shape.stderr.contains("--shape"))
    let usage = try CalibrationCLI.servesim(["cost", "--op", "gemm", "--shape", "m=1,n=1,k=1"])
    #expect(usage.status == 64)
  }
}
