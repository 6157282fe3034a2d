import Foundation
import ServeSim

/// Date-time text as written by the Azure traces.
enum DateTimeText {
  /// Seconds since 1970-01-01 00:00 UTC of `YYYY-MM-DD[ T]hh:mm:ss[.fraction][Z|±hh:mm]`,
  /// as whole seconds and a fraction.
  static func seconds(_ text: String) -> (Int64, Double)? {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var value = 0
      for i in from..<from + count {
        guard b[i] >= 48 && b[i] <= 57 else { return nil }
        value = value * 10 + Int(b[i] - 48)
      }
      return value
    }
    guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 32 || b[10] == 84, b[13] == 58,
      b[16] == 58, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
      let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var i = 19
    var fraction = 0.0
    if i < b.count, b[i] == 46 {
      i += 1
      var scale = 0.1
      let start = i
      while i < b.count, b[i] >= 48 && b[i] <= 57 {
        fraction += Double(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
      if i == start { return nil }
    }
    var offset = 0
    if i < b.count {
      if b[i] == 90 {  // Z
        i += 1
      } else if b[i] == 43 || b[i] == 45 {  // +hh:mm, -hh:mm, +hhmm, +hh
        let sign = b[i] == 45 ? -1 : 1
        guard let h = number(i + 1, 2) else { return nil }
        i += 3
        var m = 0
        if i < b.count, b[i] == 58 { i += 1 }
        if i < b.count {
          guard let minutes = number(i, 2) else { return nil }
          m = minutes
          i += 2
        }
        offset = sign * (h * 3600 + m * 60)
      }
      if i != b.count { return nil }
    }
    // Days from the civil date (H. Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    let whole = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    return (whole, fraction)
  }
}
