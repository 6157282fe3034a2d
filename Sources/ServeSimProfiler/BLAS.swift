import COpenBLAS
import Foundation

/// The BLAS library the host profiler links (OpenBLAS through CBLAS).
public enum BLAS {
  /// OpenBLAS's build configuration string (version, target, threading).
  public static var configuration: String {
    guard let text = openblas_get_config() else { return "OpenBLAS (unknown)" }
    return String(cString: text).trimmingCharacters(in: .whitespaces)
  }

  /// Threads OpenBLAS may use.
  public static var threads: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(max(newValue, 1))) }
  }

  /// Processors OpenBLAS sees.
  public static var processors: Int { Int(openblas_get_num_procs()) }

  /// `cblas_sbgemm` (bf16 inputs, fp32 output) when this OpenBLAS was built
  /// with bfloat16 support: Debian's header declares it, but its library may
  /// not export it, so it is looked up at run time.
  typealias SBGEMM =
    @convention(c) (
      Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<UInt16>?, Int32,
      UnsafePointer<UInt16>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void

  static let sbgemm: SBGEMM? = {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "cblas_sbgemm") else {
      return nil
    }
    return unsafeBitCast(symbol, to: SBGEMM.self)
  }()

  /// Whether bf16 matrix products can be timed.
  public static var hasBF16: Bool { sbgemm != nil }

  /// C (m × n) = A (m × k) · B (k × n), or A · Bᵀ with B stored n × k; row-major fp32.
  static func sgemm(
    m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, transposeB: Bool = false, ldb: Int? = nil, beta: Float = 0
  ) {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n),
      Int32(k), 1, a, Int32(k), b, Int32(ldb ?? (transposeB ? k : n)), beta, c, Int32(n))
  }

  /// The bf16 product (fp32 output), when available.
  static func bgemm(
    m: Int, n: Int, k: Int, _ a: UnsafePointer<UInt16>, _ b: UnsafePointer<UInt16>,
    _ c: UnsafeMutablePointer<Float>
  ) {
    sbgemm?(
      Int32(CblasRowMajor.rawValue), Int32(CblasNoTrans.rawValue), Int32(CblasNoTrans.rawValue),
      Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
  }
}
