import Foundation

/// A chart rendered as a standalone SVG file: title, axes with "nice" ticks
/// and labelled units, a legend, and one polyline (or scatter of dots) per
/// series. Every SVG servesim writes is drawn by it.
///
/// Numbers are printed with fixed decimals, so the same data gives the same bytes.
public struct LineChart: Sendable {
  /// One line.
  public struct Series: Sendable {
    public var name: String
    /// (x, y) points in data units; non-finite points are skipped.
    public var points: [(x: Double, y: Double)]
    /// Drawn as a step function (value held until the next point).
    public var steps: Bool
    /// Drawn as unjoined dots (a scatter) instead of a line.
    public var dots: Bool

    public init(name: String, points: [(x: Double, y: Double)], steps: Bool = false, dots: Bool = false) {
      self.name = name
      self.points = points
      self.steps = steps
      self.dots = dots
    }
  }

  public var title: String
  /// Axis labels, with their units ("TTFT (ms)").
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  /// Fixed y range, when the quantity has natural bounds (a share: 0...1).
  public var yRange: ClosedRange<Double>?
  /// Dashed vertical markers: (x, label).
  public var markers: [(x: Double, label: String)] = []
  /// Ringed, labelled points drawn over the series: (x, y, label).
  public var highlights: [(x: Double, y: Double, label: String)] = []
  /// Where the legend goes: top left, or bottom right (for rising curves such as CDFs).
  public var legendBottomRight = false
  /// Both axes logarithmic, with a tick per power of ten (points that are
  /// not positive are skipped).
  public var logAxes = false

  public init(
    title: String, xLabel: String, yLabel: String, series: [Series],
    yRange: ClosedRange<Double>? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.yRange = yRange
  }

  /// Colours of the series, in order (Tableau 10, colour-blind friendly order).
  static let palette = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  ]

  /// Chart size in pixels.
  static let width = 720.0
  static let height = 420.0
  static let left = 78.0
  static let right = 24.0
  static let top = 44.0
  static let bottom = 58.0

  /// Tick positions covering `lower...upper` at a 1, 2 or 5 × 10^k step (the
  /// first tick at or below `lower`, the last at or above `upper`).
  static func ticks(_ lower: Double, _ upper: Double, count: Int = 6) -> [Double] {
    guard upper > lower, (upper - lower).isFinite else { return [lower] }
    let raw = (upper - lower) / Double(max(count - 1, 1))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    let first = (lower / step).rounded(.down)
    guard step > 0, step.isFinite, first.isFinite else { return [lower, upper] }
    var values = [Double]()
    var k = 0.0
    while values.count < 50 {
      let v = (first + k) * step
      values.append(abs(v) < step * 1e-9 ? 0 : v)
      if v >= upper - step * 1e-9 { break }
      k += 1
    }
    return values
  }

  /// A tick label: whole numbers plainly, thousands with "k", fractions with
  /// as many decimals as the step needs.
  static func label(_ value: Double, step: Double) -> String {
    if abs(value) >= 10_000 {
      let k = value / 1000
      return k == k.rounded() ? "\(Int(k))k" : String(format: "%.1fk", k)
    }
    // A step of 0 (every value the same, e.g. one request) needs no decimals.
    let decimals = step >= 1 || !(step > 0) ? 0 : min(Int((-log10(step)).rounded(.up)), 6)
    return String(format: "%.\(decimals)f", value)
  }

  /// The SVG document.
  public func svg() -> String {
    let w = Self.width
    let h = Self.height
    let plotW = w - Self.left - Self.right
    let plotH = h - Self.top - Self.bottom
    var series = series
    if logAxes {
      for i in series.indices {
        series[i].points = series[i].points.filter { $0.x > 0 && $0.y > 0 }.map { (log10($0.x), log10($0.y)) }
      }
    }
    let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    var xMin = all.map(\.x).min() ?? 0
    var xMax = all.map(\.x).max() ?? 1
    if xMin > 0 && xMin < 0.25 * xMax && !logAxes { xMin = 0 }
    if xMax <= xMin { xMax = xMin + 1 }
    var yMin = yRange?.lowerBound ?? min(logAxes ? .infinity : 0, all.map(\.y).min() ?? 0)
    var yMax = yRange?.upperBound ?? (all.map(\.y).max() ?? 1)
    if yMax <= yMin { yMax = yMin + 1 }
    func decades(_ lower: Double, _ upper: Double) -> [Double] {
      Array(stride(from: lower.rounded(.down), through: upper.rounded(.up), by: 1))
    }
    let xTicks = logAxes ? decades(xMin, xMax) : Self.ticks(xMin, xMax)
    let yTicks = logAxes ? decades(yMin, yMax) : Self.ticks(yMin, yMax)
    func tickLabel(_ t: Double, step: Double) -> String {
      logAxes ? Self.label(pow(10, t), step: pow(10, t)) : Self.label(t, step: step)
    }
    xMin = min(xMin, xTicks.first ?? xMin)
    xMax = max(xMax, xTicks.last ?? xMax)
    yMin = min(yMin, yTicks.first ?? yMin)
    yMax = max(yMax, yTicks.last ?? yMax)
    func px(_ x: Double) -> Double { Self.left + (x - xMin) / (xMax - xMin) * plotW }
    func py(_ y: Double) -> Double { Self.top + plotH - (y - yMin) / (yMax - yMin) * plotH }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" \
      viewBox="0 0 \(Int(w)) \(Int(h))" font-family="Helvetica, Arial, sans-serif" font-size="13">

      """
    s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    s += "<text x=\"\(f(w / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">"
    s += XMLText.escaped(title) + "</text>\n"
    // Grid and tick labels.
    let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
    let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
    for t in xTicks {
      s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(Self.top))\" x2=\"\(f(px(t)))\" y2=\"\(f(Self.top + plotH))\" "
      s += "stroke=\"#e0e0e0\"/>\n"
      s += "<text x=\"\(f(px(t)))\" y=\"\(f(Self.top + plotH + 18))\" text-anchor=\"middle\">"
      s += tickLabel(t, step: xStep) + "</text>\n"
    }
    for t in yTicks {
      s +=
        "<line x1=\"\(f(Self.left))\" y1=\"\(f(py(t)))\" x2=\"\(f(Self.left + plotW))\" y2=\"\(f(py(t)))\" "
      s += "stroke=\"#e0e0e0\"/>\n"
      s += "<text x=\"\(f(Self.left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">"
      s += tickLabel(t, step: yStep) + "</text>\n"
    }
    s += "<rect x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" "
    s += "fill=\"none\" stroke=\"#444\"/>\n"
    // Axis labels.
    s += "<text x=\"\(f(Self.left + plotW / 2))\" y=\"\(f(h - 14))\" text-anchor=\"middle\">"
    s += XMLText.escaped(xLabel) + "</text>\n"
    s += "<text transform=\"translate(18 \(f(Self.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">"
    s += XMLText.escaped(yLabel) + "</text>\n"
    // Markers.
    var labels = ""
    for (index, (x, text)) in markers.enumerated() where x.isFinite && x >= xMin && x <= xMax {
      s += "<line x1=\"\(f(px(x)))\" y1=\"\(f(Self.top))\" x2=\"\(f(px(x)))\" y2=\"\(f(Self.top + plotH))\" "
      s += "stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
      // Labels step down so close markers do not overlap, and go on top of
      // the curves with a white halo so that a curve never hides one.
      let labelY = Self.top + 14 + 13 * Double(index)
      labels += "<text x=\"\(f(px(x) + 3))\" y=\"\(f(labelY))\" font-size=\"11\" fill=\"#444\" "
      labels += "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">"
      labels += XMLText.escaped(text) + "</text>\n"
    }
    // Lines.
    for (i, line) in series.enumerated() {
      let colour = Self.palette[i % Self.palette.count]
      if line.dots {
        for p in line.points where p.x.isFinite && p.y.isFinite {
          s +=
            "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(colour)\" fill-opacity=\"0.6\"/>\n"
        }
        continue
      }
      var points = [String]()
      var last: (Double, Double)?
      for p in line.points where p.x.isFinite && p.y.isFinite {
        if line.steps, let (_, ly) = last { points.append("\(f(px(p.x))),\(f(py(ly)))") }
        points.append("\(f(px(p.x))),\(f(py(p.y)))")
        last = (p.x, p.y)
      }
      if points.count == 1 { points.append(points[0]) }
      guard !points.isEmpty else { continue }
      s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-linejoin=\"round\" "
      s += "points=\"\(points.joined(separator: " "))\"/>\n"
    }
    s += labels
    for (x, y, text) in highlights where x.isFinite && y.isFinite {
      s += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"7\" fill=\"none\" stroke=\"#036\" "
      s += "stroke-width=\"2.5\"/>\n"
      let rightHalf = px(x) > Self.left + plotW / 2
      s += "<text x=\"\(f(px(x) + (rightHalf ? -10 : 10)))\" y=\"\(f(py(y) + 22))\" "
      s += "text-anchor=\"\(rightHalf ? "end" : "start")\">" + XMLText.escaped(text) + "</text>\n"
    }
    // Legend, top left inside the plot.
    if series.count > 1 || !(series.first?.name.isEmpty ?? true) {
      let boxW = 16.0 + 7.5 * Double(series.map(\.name.count).max() ?? 0) + 28
      let boxH = 8 + 18 * Double(series.count)
      let x0 = legendBottomRight ? Self.left + plotW - 10 - boxW : Self.left + 10
      let y0 = legendBottomRight ? Self.top + plotH - 10 - boxH : Self.top + 10
      s += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(boxW))\" height=\"\(f(boxH))\" "
      s += "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n"
      for (i, line) in series.enumerated() {
        let y = y0 + 16 + 18 * Double(i)
        let colour = Self.palette[i % Self.palette.count]
        if line.dots {
          s += "<circle cx=\"\(f(x0 + 19))\" cy=\"\(f(y - 4))\" r=\"3\" fill=\"\(colour)\"/>\n"
        } else {
          s += "<line x1=\"\(f(x0 + 8))\" y1=\"\(f(y - 4))\" x2=\"\(f(x0 + 30))\" y2=\"\(f(y - 4))\" "
          s += "stroke=\"\(colour)\" stroke-width=\"3\"/>\n"
        }
        s += "<text x=\"\(f(x0 + 36))\" y=\"\(f(y))\">" + XMLText.escaped(line.name) + "</text>\n"
      }
    }
    if all.isEmpty {
      s += "<text x=\"\(f(Self.left + plotW / 2))\" y=\"\(f(Self.top + plotH / 2))\" text-anchor=\"middle\" "
      s += "fill=\"#888\">no data</text>\n"
    }
    s += "</svg>\n"
    return s
  }
}
