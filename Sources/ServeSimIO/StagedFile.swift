import Foundation
import ServeSim

/// A file written through a temporary name, in 1 MiB writes.
final class StagedFile {
  let temporary: String
  let final: String
  var buffer = CSVBuffer(capacity: 1 << 21)
  private var file: UnsafeMutablePointer<FILE>?
  /// The first write error (reported by `close()`).
  private var failed: Int32 = 0

  init(directory: String, name: String) throws {
    final = (directory as NSString).appendingPathComponent(name)
    temporary = AtomicWriter.temporaryPath(for: name, in: directory)
    guard let opened = fopen(temporary, "wb") else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
    }
    file = opened
  }

  @inline(__always)
  func flushIfFull() {
    if buffer.bytes.count >= 1 << 20 { flush() }
  }

  func flush() {
    guard let file, !buffer.bytes.isEmpty else { return }
    let count = buffer.bytes.count
    let written = buffer.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, count, file) }
    if written != count && failed == 0 { failed = errno == 0 ? EIO : errno }
    buffer.clear()
  }

  func close() throws {
    flush()
    guard let file else { return }
    self.file = nil
    if fclose(file) != 0 && failed == 0 { failed = errno == 0 ? EIO : errno }
    if failed != 0 {
      throw CocoaError(
        .fileWriteUnknown,
        userInfo: [
          NSFilePathErrorKey: final,
          NSLocalizedDescriptionKey: "cannot write \(final): \(String(cString: strerror(failed)))",
        ])
    }
  }

  func remove() {
    if let file {
      fclose(file)
      self.file = nil
    }
    unlink(temporary)
  }
}
