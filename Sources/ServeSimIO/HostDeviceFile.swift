import Foundation
import ServeSim

/// The device file and one-device cluster file that `servesim profile
/// --device host --write-device DIR` writes from a profile of this machine,
/// so that a plan can name the machine as soon as it is profiled.
///
/// Every figure comes from the calibration store (the fitted roofline of each
/// operator and the timed rows) or from the operating system, and says so in
/// its comment: per format the matrix products run in, `peak_tflops` is the
/// fastest of the fitted asymptote and the fastest product timed, and
/// `efficiency.compute` the fit's rate over that peak; `memory_bandwidth_gbps`
/// is the fastest memory-bound kernel (copy, triad, norms) fitted, and
/// `efficiency.memory` the copy kernel's fitted rate over it. The
/// `calibration:` key names the store, so the fitted operators price a plan
/// and the datasheet figures only stand in where the store has no fit.
public struct HostDeviceFile: Sendable {
  /// The CPU model (from /proc/cpuinfo).
  public var processor: String
  /// OpenBLAS's version and configuration.
  public var blas: String
  /// The store's device that was profiled on the most threads ("host" on all cores).
  public var storeDevice: String
  /// Threads that device ran on (the cores it stands for).
  public var cores: Int
  /// Installed memory, in bytes (MemTotal of /proc/meminfo; 0 if unknown).
  public var memoryBytes: Double
  /// Fits of `storeDevice`.
  public var fits: [OperatorFit]
  /// Timed rows of `storeDevice`.
  public var measurements: [KernelMeasurement]
  /// The command that profiled the machine, and when (for the header).
  public var command: String
  public var date: String

  public init(
    processor: String, blas: String, storeDevice: String, cores: Int, memoryBytes: Double,
    fits: [OperatorFit], measurements: [KernelMeasurement], command: String, date: String
  ) {
    self.processor = processor
    self.blas = blas
    self.storeDevice = storeDevice
    self.cores = cores
    self.memoryBytes = memoryBytes
    self.fits = fits
    self.measurements = measurements
    self.command = command
    self.date = date
  }

  /// The file name of a processor: lower case, words joined by '-' ("amd-epyc-9r14").
  public static func name(of processor: String) -> String {
    var words = [String]()
    var word = ""
    for c in processor.lowercased() {
      if c.isLetter || c.isNumber {
        word.append(c)
      } else if !word.isEmpty {
        words.append(word)
        word = ""
      }
    }
    if !word.isEmpty { words.append(word) }
    let kept = words.filter { !["processor", "cpu", "with", "radeon", "graphics", "r", "tm"].contains($0) }
    let name = kept.prefix(6).joined(separator: "-")
    return name.isEmpty ? "host" : "host-" + name
  }

  static func figure(_ x: Double) -> String {
    guard x.isFinite, x > 0 else { return "0" }
    let digits = max(0, 3 - Int((log10(x)).rounded(.down)))
    var text = String(format: "%.\(min(digits, 6))f", x)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// The fastest timed product of `dtype`, in TFLOPS, and its shape.
  func fastestProduct(_ dtype: DType) -> (tflops: Double, shape: String)? {
    var best: (Double, String)?
    for m in measurements where m.op == .gemm && m.dtype == dtype && !m.flagged && m.medianUs > 0 {
      let rate = m.work.flops / (m.medianUs * 1e-6) / 1e12
      if rate > (best?.0 ?? 0) { best = (rate, "\(m.shape.m)x\(m.shape.n)x\(m.shape.k)") }
    }
    return best
  }

  /// The device file's text; `calibration` is the store's path relative to the file.
  public func deviceYAML(name: String, calibration: String) throws(CalibrationError) -> String {
    let products = fits.filter { $0.op == .gemm && $0.secondsPerFlop > 0 }.sorted {
      ($0.dtype?.rawValue ?? "") < ($1.dtype?.rawValue ?? "")
    }
    guard !products.isEmpty else {
      throw CalibrationError.badInput(
        file: calibration, line: nil, column: nil,
        message: "device '\(storeDevice)' has no fitted matrix product: profile the host first")
    }
    var lines = [
      "# \(processor), profiled by `\(command)` on \(date)",
      "# (\(blas)). Every figure below is measured on this machine or fitted to",
      "# its timings; the store named by `calibration:` prices the operators it fits.",
      "name: \(name)",
      "kind: cpu",
      "peak_tflops:                   # dense matrix products, per format OpenBLAS runs here",
    ]
    var fp32Peak = 0.0
    var computeEfficiency = 1.0
    for fit in products {
      guard let dtype = fit.dtype else { continue }
      let fitted = 1 / fit.secondsPerFlop / 1e12
      let fastest = fastestProduct(dtype)
      let peak = max(fitted, fastest?.tflops ?? 0)
      if dtype == .fp32 || fp32Peak == 0 {
        fp32Peak = peak
        computeEfficiency = min(1, fitted / peak)
      }
      lines.append(
        "  \(dtype.rawValue): \(Self.figure(peak))"
          + "  # the faster of the fitted asymptote (\(Self.figure(fitted)) TFLOPS, \(fit.points) products, rms error \(Self.figure(fit.residual * 100))%) and the fastest product timed (\(Self.figure(fastest?.tflops ?? 0)) TFLOPS at \(fastest?.shape ?? "-")), \(cores) threads"
      )
    }
    let memoryFits = fits.filter { $0.op.family == .memory && $0.secondsPerByte > 0 }
    let fastestMemory = memoryFits.max { $0.secondsPerByte > $1.secondsPerByte }
    let bandwidth = fastestMemory.map { 1 / $0.secondsPerByte / 1e9 } ?? 1
    let copy = memoryFits.first { $0.op == .copy }.map { 1 / $0.secondsPerByte / 1e9 } ?? bandwidth
    let attention = fits.filter { $0.op == .attentionPrefill && $0.secondsPerFlop > 0 }.map {
      1 / $0.secondsPerFlop / 1e12
    }.max()
    let memoryGB = memoryBytes > 0 ? memoryBytes / 1e9 : 1
    // The smallest fixed time per call of any fitted kernel: the dispatch
    // floor of an operator the store does not fit.
    let launch = fits.filter { $0.ranks == 0 }.map(\.launchSeconds).min() ?? 0
    let attentionEfficiency = attention.map { min(1, max($0 / max(fp32Peak, 1e-9), 0.001)) }
    lines += [
      "memory_gb: \(Self.figure(memoryGB))"
        + (memoryBytes > 0
          ? "  # MemTotal in /proc/meminfo (installed memory the kernel manages)"
          : "  # unknown: /proc/meminfo unreadable; set the installed memory"),
      "memory_bandwidth_gbps: \(Self.figure(bandwidth))"
        + "  # the fastest memory-bound kernel fitted (\(fastestMemory?.op.rawValue ?? "none"), 64 KiB-64 MiB buffers), \(cores) threads",
      "power_w: {idle: \(Self.figure(Double(cores) * 1)), max: \(Self.figure(Double(cores) * 5))}"
        + "  # not measured (the profiler reads no power meter): 1 and 5 W per core, placeholders for energy reports",
      "price_per_hour_usd: 0  # an owned machine",
      "compute_units: \(cores)  # threads the profile ran on (cores the process may use)",
      "efficiency:",
      "  compute: \(Self.figure(computeEfficiency))"
        + "  # fitted matrix-product rate over the peak above",
      "  memory: \(Self.figure(min(1, copy / bandwidth)))"
        + "  # fitted copy bandwidth (\(Self.figure(copy)) GB/s) over memory_bandwidth_gbps",
      "  attention: \(Self.figure(attentionEfficiency ?? computeEfficiency * 0.7))"
        + (attention != nil
          ? "  # fitted prefill-attention rate (\(Self.figure(attention ?? 0)) TFLOPS) over the fp32 peak"
          : "  # no attention fit: 0.7 of compute"),
      "kernel_launch_us: \(Self.figure(launch * 1e6))"
        + "  # the smallest fixed time per call fitted over the kernels (the dispatch floor)",
      "graph_kernel_us: \(Self.figure(launch * 1e6))  # no graph capture on a CPU: as kernel_launch_us",
      "runtime_overhead_gb: 0.5  # not measured: runtime and scratch buffers outside the model (placeholder)",
      "calibration: {file: \(calibration), device: \(storeDevice)}"
        + "  # the calibration store of this profile; its fits price the operators",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// The one-device cluster file's text, naming `devices/<name>.yaml`.
  public func clusterYAML(name: String) -> String {
    let memoryFits = fits.filter { $0.op.family == .memory && $0.secondsPerByte > 0 }
    let bandwidth = memoryFits.map { 1 / $0.secondsPerByte / 1e9 }.max() ?? 1
    return """
      # This machine (\(processor)) as a one-device cluster, written by `\(command)`
      # on \(date). One device, no network: the "link" is the device's own memory.
      name: \(name)
      nodes: 1
      devices_per_node: 1
      device: devices/\(name).yaml
      intra_node:
        kind: memory
        bandwidth_gbps: \(Self.figure(bandwidth))  # the device's memory bandwidth (unused with one device)
        latency_us: 1  # placeholder; unused with one device
        efficiency: 1
        topology: single

      """
  }
}
