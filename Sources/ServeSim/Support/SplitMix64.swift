/// A small, fast, seedable random number generator (SplitMix64, Steele et al. 2014).
///
/// Every component of a simulation owns its own stream, derived from the plan's
/// seed and a stream label, so adding draws in one component never shifts the
/// numbers another component sees. Same seed, same stream: same numbers.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator from a seed.
  public init(seed: UInt64) { state = seed }

  /// Creates the generator of one named stream of a seed.
  ///
  /// - Parameters:
  ///   - seed: the simulation's seed.
  ///   - stream: a small integer naming the component (see `RandomStream`).
  public init(seed: UInt64, stream: RandomStream) {
    var mixer = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream.rawValue &+ 1))
    state = mixer.next()
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1) with 53 random bits.
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in (0, 1], safe to take the logarithm of.
  public mutating func nextOpenUnit() -> Double {
    Double((next() >> 11) + 1) * 0x1.0p-53
  }
}
