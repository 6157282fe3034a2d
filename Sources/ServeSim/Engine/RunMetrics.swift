/// What a simulation accumulates over its iterations for the summary.
struct RunMetrics: Sendable {
  /// Pooled inter-token latencies, in seconds.
  var itl = WeightedSamples()
  /// Model FLOPs done by all devices.
  var totalFlops = 0.0
  /// Device time priced from each source (measured, fitted, datasheet), in seconds.
  var costSources = SourceSeconds()
  /// Σ stage time × its devices, in device-seconds, in all and by pool.
  var busyDeviceSeconds = 0.0
  var poolBusyDeviceSeconds: [Double]
  /// Σ KV share in use × batch time in flight, and Σ batch time in flight, in seconds.
  var kvUseSeconds = 0.0
  var inFlightSeconds = 0.0
  /// Most requests running in one scheduler, and most KV blocks in use in one
  /// scheduler, at any iteration (the optimizer's dominance test).
  var peakRunning = 0
  var peakUsedBlocks = 0

  init(pools: Int) { poolBusyDeviceSeconds = [Double](repeating: 0, count: pools) }

  @inline(__always)
  mutating func addBusy(_ deviceSeconds: Double, pool: Int) {
    busyDeviceSeconds += deviceSeconds
    poolBusyDeviceSeconds[pool] += deviceSeconds
  }
}
