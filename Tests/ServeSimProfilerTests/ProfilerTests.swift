import Foundation
import Testing

@testable import ServeSim
@testable import ServeSimProfiler

/// The host profiler on tiny shapes: the timing method, the kernels'
/// arithmetic and a small run end to end (no assertions on speed).
@Suite struct ProfilerTests {
  @Test func blasReportsItsConfiguration() {
    #expect(BLAS.configuration.contains("OpenBLAS"))
    #expect(BLAS.processors >= 1)
  }

  @Test func summaryRejectsOutliersAndReportsTheInterquartileRange() {
    let samples = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 50]
    let s = KernelTimer.summarise(samples)
    #expect(s.rejected == 1 && s.repeats == 6)
    #expect(abs(s.median - 1.0) < 1e-12)
    #expect(s.spread > 0 && s.spread < 0.2)
  }

  @Test func timerStopsWithinItsRepeatLimits() {
    var calls = 0
    let timer = KernelTimer(minRepeats: 3, maxRepeats: 7, budgetSeconds: 10)
    let s = timer.time { calls += 1 }
    #expect(s.repeats + s.rejected >= 3 && s.repeats + s.rejected <= 7)
    #expect(calls >= s.repeats + 1)  // warm-up included
  }

  @Test func busyMachineIsNoticedFromTheReferenceKernel() {
    // Steady: both references near the run's best.
    #expect(!HostProfiler.busy(before: 1.0, after: 1.05, best: 1.0, threshold: 0.2))
    // Load came or went during the block.
    #expect(HostProfiler.busy(before: 1.0, after: 1.5, best: 1.0, threshold: 0.2))
    // A steady load from another process slows both references alike.
    #expect(HostProfiler.busy(before: 1.9, after: 2.0, best: 1.0, threshold: 0.2))
  }

  @Test func sgemmComputesTheProduct() throws {
    // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
    var a: [Float] = [1, 2, 3, 4]
    var b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: 0, count: 4)
    a.withUnsafeMutableBufferPointer { ap in
      b.withUnsafeMutableBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          if let pa = ap.baseAddress, let pb = bp.baseAddress, let pc = cp.baseAddress {
            BLAS.sgemm(m: 2, n: 2, k: 2, pa, pb, pc)
          }
        }
      }
    }
    #expect(c == [19, 22, 43, 50])
  }

  /// Causal grouped-query attention computed directly, in Double: query row
  /// r of `q` sees the first kv − q + r + 1 context positions.
  static func referenceAttention(
    _ s: OperatorShape, queryRows q: Int, queries: FloatBuffer, keys: FloatBuffer, values: FloatBuffer
  ) -> [Double] {
    let (heads, kvHeads, d, kv) = (s.heads, max(s.kvHeads, 1), s.headDim, s.kvTokens)
    let group = heads / kvHeads
    let scale = 1 / Double(d).squareRoot()
    var out = [Double](repeating: 0, count: s.batch * heads * q * d)
    for b in 0..<s.batch {
      for head in 0..<heads {
        let g = head / group
        for r in 0..<q {
          let query = ((b * heads + head) * q + r) * d
          let visible = kv - q + r + 1
          var scores = (0..<visible).map { j in
            let key = ((b * kvHeads + g) * kv + j) * d
            return (0..<d).reduce(0.0) { $0 + Double(queries.pointer[query + $1] * keys.pointer[key + $1]) }
              * scale
          }
          let top = scores.max() ?? 0
          scores = scores.map { exp($0 - top) }
          let sum = scores.reduce(0, +)
          for j in 0..<visible {
            let value = ((b * kvHeads + g) * kv + j) * d
            for e in 0..<d { out[query + e] += scores[j] / sum * Double(values.pointer[value + e]) }
          }
        }
      }
    }
    return out
  }

  @Test(arguments: [
    // Prefill in one block of query rows.
    (OperatorShape(batch: 2, heads: 4, kvHeads: 2, headDim: 8, qTokens: 5, kvTokens: 9), true),
    // Prefill in two blocks (256 / 4 query heads per KV head = 64 rows a block).
    (OperatorShape(batch: 1, heads: 4, kvHeads: 1, headDim: 4, qTokens: 70, kvTokens: 80), true),
    // Decode: one query row per sequence over the whole context.
    (OperatorShape(batch: 2, heads: 4, kvHeads: 2, headDim: 4, kvTokens: 11), false),
  ])
  func attentionMatchesAReferenceComputation(shape: OperatorShape, prefill: Bool) throws {
    let kernel = try #require(HostKernels.attention(shape, prefill: prefill))
    let queries = try #require(kernel.buffers[0] as? FloatBuffer)
    let keys = try #require(kernel.buffers[1] as? FloatBuffer)
    let values = try #require(kernel.buffers[2] as? FloatBuffer)
    let out = try #require(kernel.buffers[3] as? FloatBuffer)
    // Start from NaN, which no correct kernel leaves behind: every element
    // must be written.
    for i in 0..<out.count { out.pointer[i] = .nan }
    kernel.run()
    let expected = Self.referenceAttention(
      shape, queryRows: prefill ? shape.qTokens : 1, queries: queries, keys: keys, values: values)
    #expect(expected.count == out.count)
    var wrong = [String]()
    for i in 0..<min(expected.count, out.count) where !(abs(Double(out.pointer[i]) - expected[i]) <= 1e-4) {
      wrong.append("[\(i)] \(out.pointer[i]) (expected \(expected[i]))")
    }
    #expect(
      wrong.count == 0,
      "\(wrong.count) of \(out.count) outputs differ: \(wrong.prefix(4).joined(separator: ", "))")
  }

  @Test func gridHasHoldoutsBetweenGridPoints() {
    #expect(ProfileGrid.midpoints([1, 4, 16]) == [2, 8])
    let grid = ProfileGrid.host(quick: true)
    let gemms = grid.cases.filter { $0.op == .gemm && !$0.holdout }.map(\.shape.m)
    let held = grid.cases.filter { $0.op == .gemm && $0.holdout }.map(\.shape.m)
    #expect(!held.isEmpty && Set(held).isDisjoint(with: Set(gemms)))
    #expect(grid.cases.contains { $0.op == .attentionPrefill && $0.holdout })
    #expect(grid.cases.contains { $0.op == .attentionDecode && $0.holdout })
    for op in [CalibrationOp.copy, .triad, .rmsnorm, .siluMul, .rotary] {
      #expect(grid.cases.contains { $0.op == op })
    }
    let full = ProfileGrid.host(quick: false)
    #expect(full.cases.contains { $0.op == .gemm && $0.shape.m == 16384 })
  }

  @Test func tinyRunMeasuresEveryShapeInBothThreadModes() {
    let grid = ProfileGrid(cases: [
      .init(op: .gemm, dtype: .fp32, shape: OperatorShape(m: 4, n: 32, k: 32)),
      .init(op: .gemm, dtype: .fp32, shape: OperatorShape(m: 8, n: 32, k: 32), holdout: true),
      .init(
        op: .attentionPrefill, dtype: .fp32,
        shape: OperatorShape(batch: 1, heads: 4, kvHeads: 2, headDim: 8, qTokens: 16, kvTokens: 16)),
      .init(
        op: .attentionDecode, dtype: .fp32,
        shape: OperatorShape(batch: 2, heads: 4, kvHeads: 2, headDim: 8, kvTokens: 16)),
      .init(op: .copy, dtype: .fp32, shape: OperatorShape(bytes: 4096)),
      .init(op: .triad, dtype: .fp32, shape: OperatorShape(bytes: 4096)),
      .init(op: .rmsnorm, dtype: .fp32, shape: OperatorShape(bytes: 65536)),
      .init(op: .siluMul, dtype: .fp32, shape: OperatorShape(bytes: 4096)),
      .init(op: .rotary, dtype: .fp32, shape: OperatorShape(bytes: 4096)),
      .init(op: .gemm, dtype: .bf16, shape: OperatorShape(m: 4, n: 32, k: 32)),
    ])
    let host = HostInfo(hostname: "test", processor: "cpu", cores: 2, blas: BLAS.configuration)
    let profiler = HostProfiler(
      grid: grid, timer: KernelTimer(minRepeats: 3, maxRepeats: 5, budgetSeconds: 0.01),
      threadCounts: [1, 2],
      seed: 3)
    let result = profiler.run(host: host)
    let bf16 = BLAS.hasBF16 ? 1 : 0
    #expect(result.measurements.count == 2 * (8 + bf16))
    #expect(result.holdouts.count == 2 && result.holdouts.allSatisfy { $0.label == "holdout" })
    #expect(Set(result.measurements.map(\.device)) == ["host", "host-1t"])
    #expect(result.measurements.allSatisfy { $0.medianUs > 0 && $0.repeats >= 1 && $0.backend == "openblas" })
    #expect(HostInfo.current().cores >= 1)
  }
}
