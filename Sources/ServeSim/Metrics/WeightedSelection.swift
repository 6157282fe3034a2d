/// Order statistics of weighted samples by selection (Hoare's quickselect
/// with a three-way partition), without sorting them: a value of weight w
/// stands for w equal order statistics.
///
/// Ranks are asked for in ascending order; each search starts where the last
/// one ended, since everything before that point is no larger than what
/// follows. Expected time O(n) per rank, against O(n log n) for a sort; runs
/// of equal values (inter-token gaps of identical iterations) fall into the
/// middle part of a partition at once.
struct WeightedSelection {
  private var values: [Double]
  private var weights: [Int64]
  /// Everything in `values[..<start]` is no larger than anything after it,
  /// and weighs `before` in all.
  private var start = 0
  private var before: Int64 = 0

  init(values: [Double], weights: [Int64]) {
    self.values = values
    self.weights = weights
  }

  /// The value at 0-based weighted rank `rank`, at least the last rank asked
  /// for and below the total weight.
  mutating func value(at rank: Int64) -> Double {
    var lo = start
    var hi = values.count
    var below = before
    while hi - lo > 1 {
      let pivot = medianOfThree(lo, (lo + hi) / 2, hi - 1)
      // [lo, less) < pivot, [less, i) == pivot, [greater, hi) > pivot.
      var less = lo
      var i = lo
      var greater = hi
      var lessWeight: Int64 = 0
      var equalWeight: Int64 = 0
      while i < greater {
        let v = values[i]
        if v < pivot {
          lessWeight += weights[i]
          values.swapAt(i, less)
          weights.swapAt(i, less)
          less += 1
          i += 1
        } else if v > pivot {
          greater -= 1
          values.swapAt(i, greater)
          weights.swapAt(i, greater)
        } else {
          equalWeight += weights[i]
          i += 1
        }
      }
      if rank < below + lessWeight {
        hi = less
      } else if rank < below + lessWeight + equalWeight {
        start = less
        before = below + lessWeight
        return pivot
      } else {
        below += lessWeight + equalWeight
        lo = greater
      }
    }
    start = lo
    before = below
    return values[lo]
  }

  private func medianOfThree(_ a: Int, _ b: Int, _ c: Int) -> Double {
    let (x, y, z) = (values[a], values[b], values[c])
    if x < y { return y < z ? y : (x < z ? z : x) }
    return x < z ? x : (y < z ? z : y)
  }
}
