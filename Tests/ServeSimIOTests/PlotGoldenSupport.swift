import Foundation
import Testing

/// Compares text with a golden file in `Golden/`, re-recording it when
/// SERVESIM_RECORD is set (SERVESIM_RECORD=1 swift test --filter golden).
func expectGolden(_ actual: String, _ name: String, sourceFile: String = #filePath) throws {
  let golden = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().appendingPathComponent("Golden")
  let path = golden.appendingPathComponent(name).path
  if ProcessInfo.processInfo.environment["SERVESIM_RECORD"] != nil {
    try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
    try actual.write(toFile: path, atomically: true, encoding: .utf8)
  }
  let expected = try String(contentsOfFile: path, encoding: .utf8)
  #expect(actual == expected, "\(name) differs from Golden/\(name)")
}

/// The tiny run the golden report files come from: 6 requests of 600 + 4 tokens.
let goldenWorkload = """
  name: w
  arrival: {process: constant, rate_per_s: 10}
  requests: 6
  input_tokens: {distribution: fixed, value: 600}
  output_tokens: {distribution: fixed, value: 4}
  """
