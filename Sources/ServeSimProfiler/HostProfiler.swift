import Foundation
import ServeSim

/// Times the host's kernels (`ProfileGrid`) with OpenBLAS, single-threaded
/// and on all cores, and returns the measurements.
///
/// Shapes run in a seeded random order, so slow drift of the machine (heat,
/// other work) spreads over all shapes instead of biasing one end of a curve.
/// A reference product (256³ fp32) is timed before and after each block of
/// shapes. The machine counts as busy during a block when the two differ by
/// more than 20%, or when either is more than 20% slower than the fastest
/// reference seen so far in the run (a steady load from another process slows
/// both alike). A busy block waits half a second and is timed again once;
/// rows still timed on a busy machine are flagged (the fitter and the
/// measured curves leave flagged rows out where enough others remain).
public struct HostProfiler: Sendable {
  public var grid: ProfileGrid
  public var timer: KernelTimer
  /// Thread counts to run (1 and all cores by default).
  public var threadCounts: [Int]
  public var seed: UInt64
  /// Shapes between two reference timings.
  public var blockSize = 8
  /// Relative change of the reference time that marks a busy machine.
  public var busyThreshold = 0.20

  public init(grid: ProfileGrid, timer: KernelTimer, threadCounts: [Int], seed: UInt64) {
    self.grid = grid
    self.timer = timer
    self.threadCounts = threadCounts
    self.seed = seed
  }

  /// Whether a block ran on a busy machine: its reference times differ by more
  /// than `threshold`, or either exceeds the run's best by more than it.
  static func busy(before: Double, after: Double, best: Double, threshold: Double) -> Bool {
    guard before > 0, after > 0 else { return false }
    if abs(after - before) / min(before, after) > threshold { return true }
    return max(before, after) > best * (1 + threshold)
  }

  /// The store's device name for a thread count: "host" on all cores,
  /// "host-1t" (and so on) otherwise.
  public static func deviceName(threads: Int, cores: Int) -> String {
    threads >= cores ? "host" : "host-\(threads)t"
  }

  /// What a run produced.
  public struct Result: Sendable {
    public var measurements: [KernelMeasurement]
    public var holdouts: [KernelMeasurement]
    /// Blocks re-timed because the machine was busy.
    public var retriedBlocks: Int
    /// Rows flagged as timed on a busy machine.
    public var flaggedRows: Int
    public var skipped: [String]
  }

  /// Runs the grid.
  ///
  /// - Parameter progress: called after each shape with (done, total).
  public func run(host: HostInfo, progress: (Int, Int) -> Void = { _, _ in }) -> Result {
    var rng = SplitMix64(seed: seed)
    var measurements = [KernelMeasurement]()
    var holdouts = [KernelMeasurement]()
    var skipped = [String]()
    var retried = 0
    var flagged = 0
    let total = grid.cases.count * threadCounts.count
    var done = 0
    let saved = BLAS.threads
    defer { BLAS.threads = saved }
    for threads in threadCounts {
      BLAS.threads = threads
      let device = Self.deviceName(threads: threads, cores: host.cores)
      let reference = HostKernels.gemm(OperatorShape(m: 256, n: 256, k: 256), dtype: .fp32)
      func referenceTime() -> Double {
        guard let reference else { return 0 }
        return KernelTimer(minRepeats: 5, maxRepeats: 30, budgetSeconds: 0.05).time(reference.run).median
      }
      var order = grid.cases
      order.shuffle(using: &rng)
      var best = Double.infinity
      var start = 0
      while start < order.count {
        let block = Array(order[start..<min(start + blockSize, order.count)])
        var rows = [(ProfileGrid.Case, KernelTimer.Sample)]()
        var busy = false
        for attempt in 0..<2 {
          if attempt > 0 { Thread.sleep(forTimeInterval: 0.5) }
          let before = referenceTime()
          rows = []
          for c in block {
            guard let kernel = HostKernels.prepare(c.op, c.shape, dtype: c.dtype) else {
              if attempt == 0 { skipped.append("\(c.op.rawValue) \(c.dtype.rawValue)") }
              continue
            }
            rows.append((c, timer.time(kernel.run)))
            withExtendedLifetime(kernel.buffers) {}
          }
          let after = referenceTime()
          best = min(best, before, after)
          busy = Self.busy(before: before, after: after, best: best, threshold: busyThreshold)
          if !busy { break }
          if attempt == 0 { retried += 1 }
        }
        let now = ISO8601DateFormatter().string(from: Date())
        for (c, sample) in rows {
          let m = KernelMeasurement(
            device: device, backend: "openblas", backendVersion: host.blas, op: c.op, dtype: c.dtype,
            shape: c.shape, medianUs: sample.median * 1e6, spreadUs: sample.spread * 1e6,
            repeats: sample.repeats, threads: threads, measuredAt: now, host: host.hostname,
            label: c.holdout ? "holdout" : "", flagged: busy)
          if busy { flagged += 1 }
          if c.holdout { holdouts.append(m) } else { measurements.append(m) }
        }
        done += block.count
        progress(done, total)
        start += blockSize
      }
    }
    return Result(
      measurements: measurements, holdouts: holdouts, retriedBlocks: retried, flaggedRows: flagged,
      skipped: Array(Set(skipped)).sorted())
  }
}
