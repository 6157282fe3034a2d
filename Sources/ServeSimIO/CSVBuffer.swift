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
    let v = Int64(value)
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.numberBytes) { buffer in
      var at = Self.numberBytes
      // Int64.min's magnitude does not fit an Int64: count in UInt64.
      Self.digits(v.magnitude, into: buffer, before: &at)
      if v < 0 {
        at -= 1
        buffer[at] = UInt8(ascii: "-")
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
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
    let n = UInt64(scaled)
    let divisor = UInt64(scale)
    let room = Self.numberBytes + max(decimals, 0)
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { buffer in
      // Written backwards from the end: the fraction's digits (zero-padded
      // to `decimals`), the point, the integer part, the sign.
      var at = room
      if decimals > 0 {
        var fraction = n % divisor
        for _ in 0..<decimals {
          at -= 1
          buffer[at] = UInt8(ascii: "0") + UInt8(fraction % 10)
          fraction /= 10
        }
        at -= 1
        buffer[at] = UInt8(ascii: ".")
      }
      Self.digits(n / divisor, into: buffer, before: &at)
      if value < 0 && n != 0 {
        at -= 1
        buffer[at] = UInt8(ascii: "-")
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
    }
  }

  /// Room for one formatted integer or integer part: 20 digits of a 64-bit
  /// magnitude, a sign and a point (`fixed` adds its decimals).
  private static let numberBytes = 24

  /// Writes `value`'s decimal digits (at least one) ending just before
  /// index `at` of `buffer`, and moves `at` to the first of them.
  @inline(__always)
  private static func digits(
    _ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, before at: inout Int
  ) {
    var v = value
    repeat {
      at -= 1
      buffer[at] = UInt8(ascii: "0") + UInt8(v % 10)
      v /= 10
    } while v > 0
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
