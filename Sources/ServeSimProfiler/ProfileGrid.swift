import ServeSim

/// The shapes the host profiler times: a grid that covers what serving uses
/// (1 to 16K tokens, the hidden sizes of the shipped models), and off-grid
/// "hold-out" shapes timed in the same run but kept out of the store, to check
/// predictions for shapes the store does not hold.
public struct ProfileGrid: Sendable, Equatable {
  /// One shape to time.
  public struct Case: Sendable, Equatable {
    public var op: CalibrationOp
    public var dtype: DType
    public var shape: OperatorShape
    /// Timed but not stored: written to the hold-out file instead.
    public var holdout: Bool

    public init(op: CalibrationOp, dtype: DType, shape: OperatorShape, holdout: Bool = false) {
      self.op = op
      self.dtype = dtype
      self.shape = shape
      self.holdout = holdout
    }
  }

  public var cases: [Case]

  public init(cases: [Case]) { self.cases = cases }

  /// Geometric midpoints between consecutive sizes (rounded to whole numbers).
  static func midpoints(_ sizes: [Int]) -> [Int] {
    zip(sizes, sizes.dropFirst()).compactMap { a, b in
      let mid = Int((Double(a) * Double(b)).squareRoot().rounded())
      return mid > a && mid < b ? mid : nil
    }
  }

  /// The grid for `quick` (a subset that runs in well under a minute on two
  /// cores) or the full grid; `dtypes` are the matrix-product formats to time.
  public static func host(quick: Bool, dtypes: [DType] = [.fp32]) -> ProfileGrid {
    var cases = [Case]()
    // Matrix products: (n, k) families from the shipped models' projections
    // (Llama-3.2-1B hidden 2048, QKV 3072; Llama-3.1-8B hidden 4096, QKV 6144,
    // MLP 14336), over m tokens.
    let families: [(n: Int, k: Int, ms: [Int])]
    if quick {
      let tokens = [1, 4, 16, 64, 256]
      families = [(2048, 2048, tokens), (3072, 2048, tokens)]
    } else {
      // 1 to 16K tokens on the smallest family; the larger ones stop where
      // their time would dominate the run (the fit carries them further).
      let tokens = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
      families = [
        (2048, 2048, tokens + [8192, 16384]), (3072, 2048, Array(tokens.prefix(12))),
        (4096, 4096, Array(tokens.prefix(12))), (6144, 4096, Array(tokens.prefix(11))),
        (14336, 4096, Array(tokens.prefix(10))), (4096, 14336, Array(tokens.prefix(10))),
      ]
    }
    for dtype in dtypes {
      for f in families {
        for m in f.ms {
          cases.append(Case(op: .gemm, dtype: dtype, shape: OperatorShape(m: m, n: f.n, k: f.k)))
        }
        for m in midpoints(f.ms) {
          cases.append(
            Case(op: .gemm, dtype: dtype, shape: OperatorShape(m: m, n: f.n, k: f.k), holdout: true))
        }
      }
    }
    // Attention: Llama-3.2-1B (32 heads, 8 KV heads, 64) and Llama-3.1-8B
    // (32, 8, 128) head layouts.
    let layouts = quick ? [(32, 8, 64)] : [(32, 8, 64), (32, 8, 128)]
    let prefillContexts = quick ? [128, 256, 512, 1024] : [128, 256, 512, 1024, 2048, 4096]
    let decodeContexts = quick ? [256, 512, 1024, 2048, 4096] : [256, 512, 1024, 2048, 4096, 8192]
    let decodeBatch = quick ? 4 : 8
    for (heads, kvHeads, d) in layouts {
      func prefill(_ q: Int, _ kv: Int, holdout: Bool) -> Case {
        Case(
          op: .attentionPrefill, dtype: .fp32,
          shape: OperatorShape(
            batch: 1, heads: heads, kvHeads: kvHeads, headDim: d, qTokens: q, kvTokens: kv),
          holdout: holdout)
      }
      // The wider heads stop at 2048 tokens of prefill (its time grows as the square).
      let contexts = d > 64 ? prefillContexts.filter { $0 <= 2048 } : prefillContexts
      for kv in contexts { cases.append(prefill(kv, kv, holdout: false)) }
      for kv in midpoints(contexts) { cases.append(prefill(kv, kv, holdout: true)) }
      func decode(_ kv: Int, holdout: Bool) -> Case {
        Case(
          op: .attentionDecode, dtype: .fp32,
          shape: OperatorShape(batch: decodeBatch, heads: heads, kvHeads: kvHeads, headDim: d, kvTokens: kv),
          holdout: holdout)
      }
      for kv in decodeContexts { cases.append(decode(kv, holdout: false)) }
      for kv in midpoints(decodeContexts) { cases.append(decode(kv, holdout: true)) }
    }
    // Memory-bound kernels over bytes moved (64 KiB to 64 MiB; 256 MiB full).
    let exponents = quick ? Array(stride(from: 16, through: 26, by: 2)) : Array(16...28)
    for op in [CalibrationOp.copy, .triad, .rmsnorm, .siluMul, .rotary] {
      for e in exponents {
        cases.append(Case(op: op, dtype: .fp32, shape: OperatorShape(bytes: 1 << e)))
      }
    }
    return ProfileGrid(cases: cases)
  }
}
