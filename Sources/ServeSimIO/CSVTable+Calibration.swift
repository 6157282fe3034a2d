/// Reading the columns of calibration files (operator lists, exports, Vidur
/// profiles), with errors as `CalibrationError.badInput` naming the column.
extension CSVTable {
  /// The table of a calibration file.
  static func calibration(file: String) throws(CalibrationError) -> CSVTable {
    do {
      return try CSVTable(file: file)
    } catch {
      throw .badInput(file: error.file, line: error.line, column: nil, message: error.message)
    }
  }

  /// Index of a column that must be present.
  func require(_ name: String) throws(CalibrationError) -> Int {
    guard let i = index(name) else {
      throw .badInput(
        file: file, line: 1, column: name,
        message: "the header has no '\(name)' column; it has: \(header.joined(separator: ","))")
    }
    return i
  }

  /// A number in a column, or nil when the field is empty.
  func double(_ row: (line: Int, fields: [String]), _ index: Int) throws(CalibrationError) -> Double? {
    let text = field(row, index)
    if text.isEmpty { return nil }
    guard let v = Double(text), v.isFinite else {
      throw .badInput(
        file: file, line: row.line, column: header[index], message: "'\(text)' is not a number")
    }
    return v
  }

  /// A whole number ≥ 0 in a column (0 when empty).
  func count(_ row: (line: Int, fields: [String]), _ index: Int) throws(CalibrationError) -> Int {
    guard let v = try double(row, index) else { return 0 }
    guard v >= 0, v == v.rounded(), v < 1e15 else {
      throw .badInput(
        file: file, line: row.line, column: header[index],
        message: "must be a whole number, 0 or more; found '\(field(row, index))'")
    }
    return Int(v)
  }
}
