import Foundation
import ServeSim

/// The request-trace layouts servesim replays.
///
/// Each row is one request: when it arrived and its prompt and output lengths
/// in tokens. Arrival times are made relative to the first row, except
/// Vidur's, which are already seconds from the start.
public enum TraceFormat: String, CaseIterable, Sendable {
  /// Vidur's processed traces: CSV `arrived_at` (seconds), `num_prefill_tokens`,
  /// `num_decode_tokens`.
  case vidur
  /// The Azure LLM inference traces (Azure/AzurePublicDataset, 2023 and 2024):
  /// CSV `TIMESTAMP` (a date and time, e.g. `2023-11-16 18:15:46.6805900`),
  /// `ContextTokens`, `GeneratedTokens`.
  case azure
  /// APEX's JSONL: `StartTimeOffset` (nanoseconds), `ContextTokens`, `GeneratedTokens`.
  case apex
  /// Mooncake's JSONL (kvcache-ai/Mooncake traces): `timestamp` (milliseconds),
  /// `input_length`, `output_length`, `hash_ids` (the chained hashes of the
  /// prompt's 512-token blocks, which drive prefix caching).
  case mooncake
  /// BurstGPT's CSV (HPMLL/BurstGPT): `Timestamp` (seconds), `Model`,
  /// `Request tokens`, `Response tokens`, `Total tokens`, `Log Type`.
  case burstgpt

  /// The columns (CSV) or keys (JSONL) of time, prompt length and output length.
  var fields: (time: String, input: String, output: String) {
    switch self {
    case .vidur: ("arrived_at", "num_prefill_tokens", "num_decode_tokens")
    case .azure: ("TIMESTAMP", "ContextTokens", "GeneratedTokens")
    case .apex: ("StartTimeOffset", "ContextTokens", "GeneratedTokens")
    case .mooncake: ("timestamp", "input_length", "output_length")
    case .burstgpt: ("Timestamp", "Request tokens", "Response tokens")
    }
  }

  /// Seconds per unit of the time field (dates are read as seconds).
  var secondsPerUnit: Double {
    switch self {
    case .apex: 1e-9
    case .mooncake: 1e-3
    default: 1
    }
  }

  var isJSONLines: Bool { self == .apex || self == .mooncake }

  /// Prompt tokens per `hash_ids` block in Mooncake's traces.
  public static let mooncakeBlockTokens = 512

  /// Rows with zero tokens are failed requests in the raw service logs (Azure,
  /// BurstGPT, APEX, Mooncake) and are skipped; Vidur's processed traces have none.
  var skipsEmptyRows: Bool { self != .vidur }
}
