import Foundation

/// Measured times of one family of shapes (the same operator, dtype and every
/// shape field but one), as a function of the remaining size variable,
/// interpolated linearly in log–log space between neighbours.
///
/// When the device has a fitted model, the curve also keeps each point's ratio
/// of measured to fitted time and interpolates that ratio instead: between two
/// measured sizes the time then follows the roofline's shape (flat while
/// memory-bound, linear once compute-bound), corrected by the measured ratios,
/// which tracks a coarse grid far better than straight lines in log–log space.
///
/// A curve covers sizes between its smallest and largest measured size; outside
/// that range it answers nothing (the fitted model takes over).
public struct MeasuredCurve: Sendable, Equatable {
  /// log(size), ascending, distinct.
  public private(set) var logSizes: [Double]
  /// log(seconds) at each size (the mean of the logs of duplicates).
  public private(set) var logSeconds: [Double]
  /// log(measured / fitted) at each size, when every point had a fitted time.
  public private(set) var logRatios: [Double]?

  /// - Parameter points: (size, seconds, fitted seconds) triples; sizes and
  ///   times must be positive; `fitted` is nil where no model applies.
  public init(points: [(size: Double, seconds: Double, fitted: Double?)]) {
    let usable = points.filter { $0.size > 0 && $0.seconds > 0 }.sorted { $0.size < $1.size }
    var sizes = [Double]()
    var times = [Double]()
    var ratios: [Double]? = []
    var i = 0
    while i < usable.count {
      var j = i
      var sum = 0.0
      var ratio = 0.0
      while j < usable.count && usable[j].size == usable[i].size {
        sum += log(usable[j].seconds)
        if let f = usable[j].fitted, f > 0 {
          ratio += log(usable[j].seconds / f)
        } else {
          ratios = nil
        }
        j += 1
      }
      sizes.append(log(usable[i].size))
      times.append(sum / Double(j - i))
      ratios?.append(ratio / Double(j - i))
      i = j
    }
    logSizes = sizes
    logSeconds = times
    logRatios = ratios
  }

  /// A curve from its stored arrays (a store's snapshot): `logSizes`
  /// ascending and distinct, the other two of the same length.
  public init(logSizes: [Double], logSeconds: [Double], logRatios: [Double]?) {
    self.logSizes = logSizes
    self.logSeconds = logSeconds
    self.logRatios = logRatios
  }

  /// - Parameter points: (size, seconds) pairs; sizes and times must be positive.
  public init(points: [(size: Double, seconds: Double)]) {
    self.init(points: points.map { (size: $0.size, seconds: $0.seconds, fitted: nil) })
  }

  /// Measured sizes.
  public var count: Int { logSizes.count }

  /// The interpolated time at `size`, in seconds, or nil outside the measured range.
  ///
  /// - Parameter fitted: the fitted model's time at `size`, in seconds; when
  ///   given and the curve kept ratios, the ratio is interpolated and applied.
  /// - Complexity: O(log n), no allocation.
  public func seconds(at size: Double, fitted: Double? = nil) -> Double? {
    guard size > 0, let first = logSizes.first, let last = logSizes.last else { return nil }
    let x = log(size)
    let tolerance = 1e-9
    if x < first - tolerance || x > last + tolerance { return nil }
    var low = 0
    var high = logSizes.count - 1
    while high - low > 1 {
      let mid = (low + high) / 2
      if logSizes[mid] <= x { low = mid } else { high = mid }
    }
    let span = logSizes[high] - logSizes[low]
    let t = span > 0 ? min(max((x - logSizes[low]) / span, 0), 1) : 0
    if let fitted, fitted > 0, let ratios = logRatios {
      return fitted * exp(ratios[low] + t * (ratios[high] - ratios[low]))
    }
    return exp(logSeconds[low] + t * (logSeconds[high] - logSeconds[low]))
  }
}
