import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO

/// The prediction-error table of `servesim cost --compare`.
enum ErrorTable {
  typealias Point = (group: String, predicted: Double, measured: Double, source: CostSource)

  /// The `p`-th percentile of ascending `sorted` (0 when empty).
  static func percentile(_ sorted: [Double], _ p: Double) -> Double { Percentile.of(sorted: sorted, p) ?? 0 }

  /// Median, p90 and worst absolute relative error (and the signed median
  /// bias), by group and overall.
  static func render(_ points: [Point]) -> String {
    var groups = [String: [Point]]()
    for p in points { groups[p.group, default: []].append(p) }
    var lines = [
      "operator                          rows   median      p90    worst     bias  sources (measured/fitted/datasheet)"
    ]
    func line(_ name: String, _ ps: [Point]) -> String {
      let errors = ps.map { abs($0.predicted - $0.measured) / $0.measured }.sorted()
      let signed = ps.map { ($0.predicted - $0.measured) / $0.measured }.sorted()
      let counts = CostSource.allCases.map { s in ps.filter { $0.source == s }.count }
      return name.padding(toLength: 32, withPad: " ", startingAt: 0)
        + String(
          format: " %5d %7.1f%% %7.1f%% %7.1f%% %+7.1f%%  ", ps.count, percentile(errors, 50) * 100,
          percentile(errors, 90) * 100, (errors.last ?? 0) * 100, percentile(signed, 50) * 100)
        + counts.map(String.init).joined(separator: "/")
    }
    for name in groups.keys.sorted() { lines.append(line(name, groups[name] ?? [])) }
    lines.append(line("all", points))
    return lines.joined(separator: "\n")
  }
}
