import Foundation
import ServeSim

/// The kernels the host profiler times, on fp32 buffers, each prepared once
/// (buffers allocated) and returned as a closure to time.
///
/// Attention is written in Swift over BLAS calls as a CPU inference engine
/// does it: per KV head, the scores S = Q·Kᵀ of its group of query heads (one
/// matrix product), a causal mask and a softmax per row, then O = P·V (a second
/// product); prefill processes queries in blocks of at most 256 rows so the
/// scores stay in cache.
enum HostKernels {
  /// A prepared kernel: the closure to time and the buffers it keeps alive.
  struct Prepared {
    var run: () -> Void
    var buffers: [AnyObject]
  }

  static func prepare(_ op: CalibrationOp, _ s: OperatorShape, dtype: DType) -> Prepared? {
    switch op {
    case .gemm: return gemm(s, dtype: dtype)
    case .attentionPrefill: return attention(s, prefill: true)
    case .attentionDecode: return attention(s, prefill: false)
    case .copy: return copy(bytes: s.bytes)
    case .triad: return triad(bytes: s.bytes)
    case .rmsnorm: return rmsnorm(bytes: s.bytes)
    case .siluMul: return siluMul(bytes: s.bytes)
    case .rotary: return rotary(bytes: s.bytes)
    default: return nil
    }
  }

  static func gemm(_ s: OperatorShape, dtype: DType) -> Prepared? {
    let (m, n, k) = (s.m, s.n, s.k)
    let c = FloatBuffer(count: m * n)
    if dtype == .bf16 {
      guard BLAS.hasBF16 else { return nil }
      let a = BF16Buffer(count: m * k)
      let b = BF16Buffer(count: k * n)
      return Prepared(
        run: { BLAS.bgemm(m: m, n: n, k: k, a.pointer, b.pointer, c.pointer) }, buffers: [a, b, c])
    }
    let a = FloatBuffer(count: m * k, seed: 2)
    let b = FloatBuffer(count: k * n, seed: 3)
    return Prepared(
      run: { BLAS.sgemm(m: m, n: n, k: k, a.pointer, b.pointer, c.pointer) }, buffers: [a, b, c])
  }

  /// Attention of `batch` sequences: `q` new tokens (1 for decode) over `kv`
  /// context tokens, `heads` query heads sharing `kvHeads` key/value heads.
  static func attention(_ s: OperatorShape, prefill: Bool) -> Prepared? {
    let batch = s.batch
    let heads = s.heads
    let kvHeads = max(s.kvHeads, 1)
    let d = s.headDim
    let kv = s.kvTokens
    let q = prefill ? s.qTokens : 1
    guard heads % kvHeads == 0, q <= kv, batch > 0, d > 0 else { return nil }
    let group = heads / kvHeads
    let block = max(1, min(q, 256 / group))
    let queries = FloatBuffer(count: batch * heads * q * d, seed: 4)
    let keys = FloatBuffer(count: batch * kvHeads * kv * d, seed: 5)
    let values = FloatBuffer(count: batch * kvHeads * kv * d, seed: 6)
    let out = FloatBuffer(count: batch * heads * q * d)
    let scores = FloatBuffer(count: group * block * kv)
    let scale = 1 / Float(d).squareRoot()
    let run = {
      for b in 0..<batch {
        for g in 0..<kvHeads {
          let kp = keys.pointer + (b * kvHeads + g) * kv * d
          let vp = values.pointer + (b * kvHeads + g) * kv * d
          var start = 0
          while start < q {
            let rows = min(block, q - start)
            // Queries of the group's heads for rows start..<start+rows, laid out
            // head-major: query head h's rows are contiguous in `queries`.
            for h in 0..<group {
              let head = g * group + h
              let qp = queries.pointer + ((b * heads + head) * q + start) * d
              let sp = scores.pointer + h * rows * kv
              BLAS.sgemm(m: rows, n: kv, k: d, qp, kp, sp, transposeB: true)
            }
            // Causal softmax: query row r sits at position kv − q + start + r.
            for h in 0..<group {
              for r in 0..<rows {
                let row = scores.pointer + (h * rows + r) * kv
                let visible = kv - q + start + r + 1
                var maxScore = -Float.infinity
                for j in 0..<visible { maxScore = max(maxScore, row[j] * scale) }
                var sum: Float = 0
                for j in 0..<visible {
                  let e = expf(row[j] * scale - maxScore)
                  row[j] = e
                  sum += e
                }
                let inverse = 1 / sum
                for j in 0..<visible { row[j] *= inverse }
                for j in visible..<kv { row[j] = 0 }
              }
            }
            for h in 0..<group {
              let head = g * group + h
              let op = out.pointer + ((b * heads + head) * q + start) * d
              BLAS.sgemm(m: rows, n: d, k: kv, scores.pointer + h * rows * kv, vp, op)
            }
            start += rows
          }
        }
      }
    }
    return Prepared(run: run, buffers: [queries, keys, values, out, scores])
  }

  static func elements(_ bytes: Int, per: Int) -> Int { max(bytes / (per * 4), 1) }

  /// memcpy of bytes/2 (bytes counts the read and the write).
  static func copy(bytes: Int) -> Prepared {
    let n = elements(bytes, per: 2)
    let a = FloatBuffer(count: n)
    let b = FloatBuffer(count: n)
    return Prepared(run: { memcpy(b.pointer, a.pointer, n * 4) }, buffers: [a, b])
  }

  /// A streaming kernel over three arrays of bytes/3 each: `body(a, b, c, n)`
  /// runs it over the arrays' n elements.
  static func threeArrays(
    bytes: Int,
    _ body:
      @escaping (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int)
      -> Void
  ) -> Prepared {
    let n = elements(bytes, per: 3)
    let a = FloatBuffer(count: n)
    let b = FloatBuffer(count: n)
    let c = FloatBuffer(count: n)
    return Prepared(run: { body(a.pointer, b.pointer, c.pointer, n) }, buffers: [a, b, c])
  }

  /// a = b + s·c over bytes/3 per array.
  static func triad(bytes: Int) -> Prepared {
    threeArrays(bytes: bytes) { a, b, c, n in
      for i in 0..<n { a[i] = b[i] + 3 * c[i] }
    }
  }

  /// RMSNorm of rows of 4096 (read and write: bytes/2 each).
  static func rmsnorm(bytes: Int) -> Prepared {
    let hidden = 4096
    let n = elements(bytes, per: 2)
    let rows = max(n / hidden, 1)
    let x = FloatBuffer(count: rows * hidden)
    let y = FloatBuffer(count: rows * hidden)
    let w = FloatBuffer(count: hidden)
    return Prepared(
      run: {
        let (xp, yp, wp) = (x.pointer, y.pointer, w.pointer)
        for r in 0..<rows {
          let base = r * hidden
          var sum: Float = 0
          for i in 0..<hidden { sum += xp[base + i] * xp[base + i] }
          let inverse = 1 / (sum / Float(hidden) + 1e-6).squareRoot()
          for i in 0..<hidden { yp[base + i] = xp[base + i] * inverse * wp[i] }
        }
      }, buffers: [x, y, w])
  }

  /// SiLU(gate)·up: reads gate and up, writes the product (bytes/3 each).
  static func siluMul(bytes: Int) -> Prepared {
    threeArrays(bytes: bytes) { gate, up, out, n in
      for i in 0..<n {
        let g = gate[i]
        out[i] = g / (1 + expf(-g)) * up[i]
      }
    }
  }

  /// Rotary embedding in place over vectors of 128 (read and write: bytes/2).
  static func rotary(bytes: Int) -> Prepared {
    let d = 128
    let n = elements(bytes, per: 2)
    let vectors = max(n / d, 1)
    let x = FloatBuffer(count: vectors * d)
    let cosines = FloatBuffer(count: d / 2)
    let sines = FloatBuffer(count: d / 2)
    return Prepared(
      run: {
        let (xp, cp, sp) = (x.pointer, cosines.pointer, sines.pointer)
        for v in 0..<vectors {
          let base = v * d
          for i in 0..<(d / 2) {
            let a = xp[base + i]
            let b = xp[base + i + d / 2]
            xp[base + i] = a * cp[i] - b * sp[i]
            xp[base + i + d / 2] = b * cp[i] + a * sp[i]
          }
        }
      }, buffers: [x, cosines, sines])
  }
}
