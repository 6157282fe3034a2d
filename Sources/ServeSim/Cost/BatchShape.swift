/// What one iteration of one replica computes: the aggregate shape the cost
/// model prices.
///
/// Attention work is carried as sums over sequences, so pricing a batch is O(1)
/// whatever its size.
public struct BatchShape: Sendable, Equatable {
  /// New prompt tokens (prefill chunks), summed over sequences.
  public var prefillTokens: Int = 0
  /// Sequences with a prefill chunk in this iteration.
  public var prefillSequences: Int = 0
  /// Σ over prefill chunks of query–key pairs under the causal mask:
  /// q·(c − q) + q·(q + 1)/2 for a chunk of q tokens whose context (including
  /// the chunk) is c tokens.
  public var prefillAttentionPairs: Double = 0
  /// Σ over prefill chunks of their context length c, in tokens (KV read).
  public var prefillContextTokens: Double = 0
  /// Σ over prefill chunks of their 128-query work tiles
  /// (`AttentionTiles`): ⌈q / 128⌉.
  public var prefillTiles: Double = 0
  /// Σ over those tiles of the 128-key blocks each computes under the causal
  /// mask: M·(c − q)/128 + M·(M + 1)/2 for a chunk of M tiles (exact when the
  /// chunk starts on a block boundary).
  public var prefillTileBlocks: Double = 0
  /// The most key blocks one tile computes: ⌈c / 128⌉ of the longest context.
  public var prefillLongestTile: Double = 0
  /// Sequences decoding one token each.
  public var decodeSequences: Int = 0
  /// Σ over decoding sequences of their context length (including the new
  /// token), in tokens.
  public var decodeContextTokens: Double = 0
  /// Sequences that sample a token at the end of the iteration (decodes and
  /// prefills whose last chunk this is).
  public var sampledSequences: Int = 0
  /// Speculative decoding: draft tokens verified with the decoding sequences'
  /// own tokens (each verify step runs 1 + drafts positions), and the most
  /// drafts one sequence proposed (the draft passes the batch runs).
  public var speculativeTokens: Int = 0
  public var draftSteps: Int = 0
  /// Σ over verifying sequences of the query–key pairs of their drafts under
  /// the causal mask (the attention the verify adds to a decode).
  public var speculativeAttentionPairs: Double = 0

  public init() {}

  /// All tokens the iteration runs through the layers.
  public var tokens: Int { prefillTokens + decodeSequences + speculativeTokens }
  /// Sequences in the batch.
  public var sequences: Int { prefillSequences + decodeSequences }
  /// Prompts whose last chunk the batch runs (each samples its first token):
  /// the sampled rows less the decodes' (one each, with their drafts).
  public var endingPrompts: Int { max(sampledSequences - decodeSequences - speculativeTokens, 0) }
  /// The batch's decodes alone, one row per sequence over its context (what
  /// a draft pass attends over).
  public var decodeRows: BatchShape {
    var rows = BatchShape()
    rows.decodeSequences = decodeSequences
    rows.decodeContextTokens = decodeContextTokens
    return rows
  }

  /// Adds a prefill chunk of `chunk` tokens ending at context length `context`.
  public mutating func addPrefill(chunk: Int, context: Int, samples: Bool) {
    let q = Double(chunk)
    let c = Double(context)
    prefillTokens += chunk
    prefillSequences += 1
    prefillAttentionPairs += q * (c - q) + q * (q + 1) / 2
    prefillContextTokens += c
    let side = Double(AttentionTiles.size)
    let tiles = (q / side).rounded(.up)
    prefillTiles += tiles
    prefillTileBlocks += tiles * (c - q) / side + tiles * (tiles + 1) / 2
    prefillLongestTile = max(prefillLongestTile, (c / side).rounded(.up))
    if samples { sampledSequences += 1 }
  }

  /// Adds a sequence decoding one token at context length `context` (including it).
  public mutating func addDecode(context: Int) {
    decodeSequences += 1
    decodeContextTokens += Double(context)
    sampledSequences += 1
  }
}
