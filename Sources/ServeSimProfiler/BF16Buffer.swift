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
