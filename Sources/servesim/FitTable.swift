import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO
import ServeSimProfiler

/// The fitted parameters as a table.
enum FitTable {
  static func render(_ fits: [OperatorFit]) -> String {
    var lines = [
      "  op                 dtype ranks  launch_us    TFLOP/s       GB/s  tile      residual points"
    ]
    for f in fits {
      let tile = f.tileM > 0 ? "\(f.tileM)x\(f.tileN)" : "-"
      lines.append(
        "  "
          + [
            f.op.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0),
            (f.dtype?.rawValue ?? "-").padding(toLength: 5, withPad: " ", startingAt: 0),
            String(format: "%5d", f.ranks), String(format: "%10.2f", f.launchSeconds * 1e6),
            String(format: "%10.4f", f.secondsPerFlop > 0 ? 1 / f.secondsPerFlop / 1e12 : 0),
            String(format: "%10.1f", f.secondsPerByte > 0 ? 1 / f.secondsPerByte / 1e9 : 0),
            tile.padding(toLength: 9, withPad: " ", startingAt: 0),
            String(format: "%7.1f%%", f.residual * 100),
            String(format: "%6d", f.points),
          ].joined(separator: " "))
    }
    return lines.joined(separator: "\n")
  }
}
