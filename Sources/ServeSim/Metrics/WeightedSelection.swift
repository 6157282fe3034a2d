/// Order statistics of weighted samples by selection (Hoare's quickselect,
/// for several ranks at once, with a three-way partition), without sorting
/// them: a value of weight w stands for w equal order statistics.
///
/// One partition serves every rank asked for: the ranks are split with it
/// and each part is searched only if it holds one, so a handful of
/// percentiles costs about two passes over the samples (expected), against
/// O(n log n) for a sort. Runs of equal values (inter-token gaps of
/// identical iterations) fall into the middle part of a partition at once.
struct WeightedSelection {
  /// The samples as (value, weight), reordered by the partitions.
  private var samples: [(value: Double, weight: Int64)]

  init(values: [Double], weights: [Int64]) {
    samples = []
    samples.reserveCapacity(values.count)
    for i in values.indices { samples.append((values[i], weights[i])) }
  }

  /// The values at 0-based weighted ranks `ranks` (ascending, each below the
  /// total weight), in the same order.
  mutating func values(at ranks: [Int64]) -> [Double] {
    var found = [Double](repeating: 0, count: ranks.count)
    guard !samples.isEmpty, !ranks.isEmpty else { return found }
    // Parts left to search: ranks[first..<last] among samples[lo..<hi],
    // which hold the ranks from `below` on (a work list, not recursion: a
    // bad run of pivots must not exhaust the stack).
    var parts = [(first: 0, last: ranks.count, lo: 0, hi: samples.count, below: Int64(0))]
    while let part = parts.popLast() {
      if part.hi - part.lo == 1 {
        for k in part.first..<part.last { found[k] = samples[part.lo].value }
        continue
      }
      let (less, greater, lessWeight, equalWeight, pivot) = partition(part.lo, part.hi)
      let equalStart = part.below + lessWeight
      let greaterStart = equalStart + equalWeight
      var k = part.first
      while k < part.last && ranks[k] < equalStart { k += 1 }
      if k > part.first { parts.append((part.first, k, part.lo, less, part.below)) }
      while k < part.last && ranks[k] < greaterStart {
        found[k] = pivot
        k += 1
      }
      if k < part.last { parts.append((k, part.last, greater, part.hi, greaterStart)) }
    }
    return found
  }

  /// Partitions `samples[lo..<hi]` around the median of three of its values:
  /// [lo, less) below it, [less, greater) equal, [greater, hi) above, with
  /// the weights below and equal. Works on the buffer directly: the checked
  /// subscript and `swapAt` of the array cost a uniqueness check and bounds
  /// checks per element, most of a percentile's time (issue 10).
  private mutating func partition(_ lo: Int, _ hi: Int) -> (
    less: Int, greater: Int, lessWeight: Int64, equalWeight: Int64, pivot: Double
  ) {
    samples.withUnsafeMutableBufferPointer { buffer in
      let pivot = Self.medianOfThree(buffer[lo].value, buffer[(lo + hi) / 2].value, buffer[hi - 1].value)
      var less = lo
      var i = lo
      var greater = hi
      var lessWeight: Int64 = 0
      var equalWeight: Int64 = 0
      while i < greater {
        let sample = buffer[i]
        if sample.value < pivot {
          lessWeight += sample.weight
          buffer[i] = buffer[less]
          buffer[less] = sample
          less += 1
          i += 1
        } else if sample.value > pivot {
          greater -= 1
          buffer[i] = buffer[greater]
          buffer[greater] = sample
        } else {
          equalWeight += sample.weight
          i += 1
        }
      }
      return (less, greater, lessWeight, equalWeight, pivot)
    }
  }

  private static func medianOfThree(_ x: Double, _ y: Double, _ z: Double) -> Double {
    if x < y { return y < z ? y : (x < z ? z : x) }
    return x < z ? x : (y < z ? z : y)
  }
}
