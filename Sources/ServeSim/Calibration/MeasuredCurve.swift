import Foundation

/// Measured times of one family of shapes (the same operator, dtype and every
/// shape field but one), as a function of the remaining size variable,
/// interpolated linearly in log–log space between neighbours.
///
/// A curve covers sizes between its smallest and largest measured size; outside
/// that range it answers nothing (the fitted model takes over).
public struct MeasuredCurve: Sendable, Equatable {
  /// log(size), ascending, distinct.
  public private(set) var logSizes: [Double]
  /// log(seconds) at each size (the mean of the logs of duplicates).
  public private(set) var logSeconds: [Double]

  /// - Parameter points: (size, seconds) pairs; sizes and times must be positive.
  public init(points: [(size: Double, seconds: Double)]) {
    let usable = points.filter { $0.size > 0 && $0.seconds > 0 }.sorted { $0.size < $1.size }
    var sizes = [Double]()
    var times = [Double]()
    var i = 0
    while i < usable.count {
      var j = i
      var sum = 0.0
      while j < usable.count && usable[j].size == usable[i].size {
        sum += log(usable[j].seconds)
        j += 1
      }
      sizes.append(log(usable[i].size))
      times.append(sum / Double(j - i))
      i = j
    }
    logSizes = sizes
    logSeconds = times
  }

  /// Measured sizes.
  public var count: Int { logSizes.count }

  /// The interpolated time at `size`, in seconds, or nil outside the measured range.
  ///
  /// - Complexity: O(log n), no allocation.
  public func seconds(at size: Double) -> Double? {
    guard size > 0, let first = logSizes.first, let last = logSizes.last else { return nil }
    let x = log(size)
    let tolerance = 1e-9
    if x < first - tolerance || x > last + tolerance { return nil }
    if x <= first { return exp(logSeconds[0]) }
    if x >= last { return exp(logSeconds[logSizes.count - 1]) }
    var low = 0
    var high = logSizes.count - 1
    while high - low > 1 {
      let mid = (low + high) / 2
      if logSizes[mid] <= x { low = mid } else { high = mid }
    }
    let span = logSizes[high] - logSizes[low]
    let t = span > 0 ? (x - logSizes[low]) / span : 0
    return exp(logSeconds[low] + t * (logSeconds[high] - logSeconds[low]))
  }
}
