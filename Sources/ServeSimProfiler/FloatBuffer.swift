/// A heap buffer of fp32 values filled with small pseudo-random numbers,
/// freed with its owner (allocation stays outside timed regions).
final class FloatBuffer {
  let pointer: UnsafeMutablePointer<Float>
  let count: Int

  init(count: Int, seed: UInt64 = 1) {
    self.count = max(count, 1)
    pointer = UnsafeMutablePointer<Float>.allocate(capacity: self.count)
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    for i in 0..<self.count {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      pointer[i] = Float(Int(state % 2001) - 1000) * 1e-3
    }
  }

  deinit { pointer.deallocate() }
}
