/// Order statistics of weighted samples by selection (Hoare's quickselect,
/// for several ranks at once, with a three-way partition), without sorting
/// them: a value of weight w stands for w equal order statistics.
///
/// One partition serves every rank asked for: the ranks are split with it
/// and each part is searched only if it holds one, so a handful of
/// percentiles costs about two passes over the samples (expected), against
/// O(n log n) for a sort. Runs of equal values (inter-token gaps of
/// identical iterations) fall into the middle part of a partition at once.
///
/// Above `bucketedFrom` samples, `values(of:weights:at:)` first narrows each
/// rank to one of at most 65,536 buckets of consecutive values (a radix
/// pass over the values' order-preserving bit patterns, without copying
/// them) and selects only within the buckets that hold a rank: three
/// sequential passes instead of a copy and about two partitions of every
/// sample (issue 10: the inter-token gaps of a 100,000-request run are 1.6
/// million samples). The values found are the same order statistics.
struct WeightedSelection {
  /// The samples as (value, weight), reordered by the partitions.
  private var samples: [(value: Double, weight: Int64)]

  init(values: [Double], weights: [Int64]) {
    samples = []
    samples.reserveCapacity(values.count)
    for i in values.indices { samples.append((values[i], weights[i])) }
  }

  private init(samples: [(value: Double, weight: Int64)]) { self.samples = samples }

  /// Samples from which `values(of:weights:at:)` buckets before selecting.
  static let bucketedFrom = 1 << 14

  /// The values at 0-based weighted ranks `ranks` (ascending, each below the
  /// total weight) of `values` with `weights` (nil: each of weight 1).
  static func values(of values: [Double], weights: [Int64]?, at ranks: [Int64]) -> [Double] {
    let n = values.count
    guard n >= bucketedFrom, !ranks.isEmpty else {
      var selection = WeightedSelection(
        values: values, weights: weights ?? [Int64](repeating: 1, count: n))
      return selection.values(at: ranks)
    }
    return values.withUnsafeBufferPointer { v in
      // Doubles in the order of their keys: the sign bit flipped for
      // positive values, every bit for negative ones.
      func key(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return bits >> 63 == 0 ? bits | (1 << 63) : ~bits
      }
      var low = UInt64.max
      var high = UInt64.min
      for x in v {
        let k = key(x)
        low = min(low, k)
        high = max(high, k)
      }
      let span = high - low
      let shift = max(0, (UInt64.bitWidth - span.leadingZeroBitCount) - 16)
      let buckets = Int(span >> UInt64(shift)) + 1
      func bucket(_ x: Double) -> Int { Int((key(x) - low) >> UInt64(shift)) }
      var weightIn = [Int64](repeating: 0, count: buckets)
      weightIn.withUnsafeMutableBufferPointer { w in
        if let weights {
          weights.withUnsafeBufferPointer { ws in
            for i in 0..<n { w[bucket(v[i])] += ws[i] }
          }
        } else {
          for x in v { w[bucket(x)] += 1 }
        }
      }
      // Each rank's bucket and its rank within it; the buckets holding a
      // rank get a slot each.
      var slotOf = [Int32](repeating: -1, count: buckets)
      var slots = 0
      var rankSlot = [(slot: Int, rank: Int64)]()
      var b = 0
      var below: Int64 = 0
      for r in ranks {
        while b < buckets - 1 && below + weightIn[b] <= r {
          below += weightIn[b]
          b += 1
        }
        if slotOf[b] < 0 {
          slotOf[b] = Int32(slots)
          slots += 1
        }
        rankSlot.append((Int(slotOf[b]), r - below))
      }
      var members = [[(value: Double, weight: Int64)]](repeating: [], count: slots)
      for i in 0..<n {
        let slot = slotOf[bucket(v[i])]
        if slot >= 0 { members[Int(slot)].append((v[i], weights?[i] ?? 1)) }
      }
      var found = [Double](repeating: 0, count: ranks.count)
      for slot in members.indices {
        let mine = rankSlot.indices.filter { rankSlot[$0].slot == slot }
        var selection = WeightedSelection(samples: members[slot])
        let inSlot = selection.values(at: mine.map { rankSlot[$0].rank })
        for (j, k) in mine.enumerated() { found[k] = inSlot[j] }
      }
      return found
    }
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
