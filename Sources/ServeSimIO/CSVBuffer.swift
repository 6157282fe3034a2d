/// A byte buffer for CSV text with fixed-format numbers, so the same values
/// always give the same bytes (no locale, no shortest-representation printing)
/// and a million rows format without allocating a string each.
public struct CSVBuffer: Sendable {
  public private(set) var bytes: [UInt8] = []

  public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

  /// Empties the buffer, keeping its capacity (after its bytes were written out).
  public mutating func clear() { bytes.removeAll(keepingCapacity: true) }

  public mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

  public mutating func comma() { bytes.append(UInt8(ascii: ",")) }

  public mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

  public mutating func int<T: BinaryInteger>(_ value: T) {
    var v = Int64(value)
    if v < 0 {
      bytes.append(UInt8(ascii: "-"))
      v = -v
    }
    if v == 0 {
      bytes.append(UInt8(ascii: "0"))
      return
    }
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      while v > 0 {
        buffer[count] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
        count += 1
      }
      for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
    }
  }

  /// Appends `value` with exactly `decimals` digits after the point
  /// (round half away from zero). Non-finite values are written as empty.
  public mutating func fixed(_ value: Double, _ decimals: Int) {
    guard value.isFinite else { return }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e18 else {
      text(String(value))
      return
    }
    var n = Int64(scaled)
    if value < 0 && n != 0 { bytes.append(UInt8(ascii: "-")) }
    let divisor = Int64(scale)
    int(n / divisor)
    guard decimals > 0 else { return }
    bytes.append(UInt8(ascii: "."))
    n %= divisor
    var place = divisor / 10
    while place > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(n / place))
      n %= place
      place /= 10
    }
  }

  /// Appends a field that may need quoting (RFC 4180).
  public mutating func field(_ s: String) {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
      text("\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    } else {
      text(s)
    }
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
