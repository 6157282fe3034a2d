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

/// A heap buffer of bf16 values (the upper half of fp32).
final class BF16Buffer {
  let pointer: UnsafeMutablePointer<UInt16>
  let count: Int

  init(count: Int) {
    self.count = max(count, 1)
    pointer = UnsafeMutablePointer<UInt16>.allocate(capacity: self.count)
    let source = FloatBuffer(count: self.count, seed: 7)
    for i in 0..<self.count { pointer[i] = UInt16(truncatingIfNeeded: source.pointer[i].bitPattern >> 16) }
  }

  deinit { pointer.deallocate() }
}
