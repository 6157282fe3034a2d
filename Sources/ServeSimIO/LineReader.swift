import Foundation
import ServeSim

/// Reads a file one line at a time (C stdio), never holding more than a line.
final class LineReader {
  let file: String
  private let handle: UnsafeMutablePointer<FILE>
  private var buffer: UnsafeMutablePointer<CChar>?
  private var capacity = 0
  /// 1-based number of the line last returned.
  private(set) var number = 0

  init(file: String) throws(ConfigError) {
    self.file = file
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory),
      !isDirectory.boolValue, let handle = fopen(file, "r")
    else {
      throw ConfigError(
        file: file, line: nil, keyPath: nil, message: "cannot read trace: \(YAMLFile.reason(file))")
    }
    self.handle = handle
  }

  deinit {
    fclose(handle)
    free(buffer)
  }

  /// The next line that is not blank, without its line ending; nil at the end.
  func nextNonEmpty() throws(ConfigError) -> ArraySlice<UInt8>? {
    while true {
      let count = getline(&buffer, &capacity, handle)
      if count < 0 {
        if ferror(handle) != 0 {
          throw ConfigError(file: file, line: number + 1, keyPath: nil, message: "read error")
        }
        return nil
      }
      number += 1
      guard let buffer else { return nil }
      var length = count
      let raw = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
      while length > 0, raw[length - 1] == 10 || raw[length - 1] == 13 || raw[length - 1] == 32 {
        length -= 1
      }
      var start = 0
      if number == 1, length >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
      while start < length, raw[start] == 32 || raw[start] == 9 { start += 1 }
      if start >= length { continue }
      return ArraySlice(UnsafeBufferPointer(start: raw + start, count: length - start))
    }
  }
}
