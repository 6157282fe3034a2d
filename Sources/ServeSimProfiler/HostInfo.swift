import Foundation
import ServeSim

/// What the profiler records about the machine.
public struct HostInfo: Sendable, Equatable {
  public var hostname: String
  /// The CPU model (from /proc/cpuinfo's "model name").
  public var processor: String
  /// Cores the process may use.
  public var cores: Int
  /// OpenBLAS's version and build configuration.
  public var blas: String

  public init(hostname: String, processor: String, cores: Int, blas: String) {
    self.hostname = hostname
    self.processor = processor
    self.cores = cores
    self.blas = blas
  }

  /// This machine.
  public static func current() -> HostInfo {
    var processor = "unknown CPU"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
      for line in text.split(separator: "\n") where line.hasPrefix("model name") {
        if let value = line.split(separator: ":", maxSplits: 1).last {
          processor = value.trimmingCharacters(in: .whitespaces)
          break
        }
      }
    }
    return HostInfo(
      hostname: ProcessInfo.processInfo.hostName, processor: processor,
      cores: ProcessInfo.processInfo.activeProcessorCount, blas: BLAS.configuration)
  }
}
