import Foundation
import ServeSim

/// Writes files through temporary names and renames.
public enum AtomicWriter {
  public static func write(_ files: [(String, [UInt8])], to directory: String) throws -> [String] {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let staged = try stage(files, in: directory)
    do {
      try commit(staged)
    } catch {
      for (temporary, _) in staged { try? FileManager.default.removeItem(atPath: temporary) }
      throw error
    }
    return staged.map(\.1)
  }

  /// The hidden temporary name of `name` in `directory` (unique to this process).
  static func temporaryPath(for name: String, in directory: String) -> String {
    let token = ProcessInfo.processInfo.processIdentifier
    return (directory as NSString).appendingPathComponent(".\(name).\(token).tmp")
  }

  /// Removes this process's temporary files in `directory` (an interrupted
  /// run); safe to call from a signal handler's queue.
  public static func removeTemporaryFiles(in directory: String) {
    let suffix = ".\(ProcessInfo.processInfo.processIdentifier).tmp"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for name in names where name.hasPrefix(".") && name.hasSuffix(suffix) {
      unlink((directory as NSString).appendingPathComponent(name))
    }
  }

  /// Writes each file under its temporary name.
  ///
  /// - Returns: (temporary path, final path) of each; none are left on error.
  static func stage(_ files: [(String, [UInt8])], in directory: String) throws -> [(String, String)] {
    let fm = FileManager.default
    var staged = [(String, String)]()
    do {
      for (name, data) in files {
        let final = (directory as NSString).appendingPathComponent(name)
        let temporary = temporaryPath(for: name, in: directory)
        guard fm.createFile(atPath: temporary, contents: Data(data)) else {
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        staged.append((temporary, final))
      }
    } catch {
      for (temporary, _) in staged { try? fm.removeItem(atPath: temporary) }
      throw error
    }
    return staged
  }

  /// Renames staged files into place.
  static func commit(_ staged: [(String, String)]) throws {
    for (temporary, final) in staged where rename(temporary, final) != 0 {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final])
    }
  }
}
