import Testing

@testable import ServeSim

/// The MLA prefill attention kernel (`CostModel.mlaPrefillAttentionKernel`):
/// its tensor work and its memory traffic add, as AIConfigurator's measured
/// context-MLA kernels show.
@Suite struct MLAPrefillKernelTests {
  static func cost(tensor: Int) -> CostModel {
    CostModel(
      model: MoETests.deepseek, device: Fixtures.device, precision: SGLangDeepSeekPathTests.fp8,
      tensorGroup: Fixtures.group(tensor, .ringOnly))
  }

  static func prompt(_ tokens: Int) -> BatchShape {
    var shape = BatchShape()
    shape.addPrefill(chunk: tokens, context: tokens, samples: true)
    return shape
  }

  /// A 1,536-token prompt over 16 heads: the kernel costs its FLOPs at the
  /// attention rate plus its bytes at the memory rate plus one kernel's
  /// fixed time, more than the larger of the two terms would give.
  @Test func computeAndMemoryAdd() throws {
    let c = Self.cost(tensor: 8)
    let mla = try #require(MoETests.deepseek.mla)
    let e = c.mlaPrefillAttentionKernel(Self.prompt(1536), mla, mode: .eager)
    let compute = e.flops / c.attentionFlopsPerSecond
    let memory = e.bytes / c.bytesPerSecond
    let fixed = c.attentionFixedSeconds(kernels: 1, mode: .eager)
    #expect(compute > 0 && memory > 0)
    #expect(abs(e.seconds - (compute + memory + fixed)) < 1e-12)
    #expect(e.seconds > max(compute, memory) + fixed + 0.2 * min(compute, memory))
  }

  /// The memory term matters most where the work is short: its share of the
  /// kernel falls as the prompt grows (the work grows with its square).
  @Test func theMemoryShareFallsWithThePrompt() throws {
    let c = Self.cost(tensor: 8)
    let mla = try #require(MoETests.deepseek.mla)
    func memoryShare(_ tokens: Int) -> Double {
      let e = c.mlaPrefillAttentionKernel(Self.prompt(tokens), mla, mode: .eager)
      return e.bytes / c.bytesPerSecond / e.seconds
    }
    #expect(memoryShare(1024) > memoryShare(4096))
    #expect(memoryShare(4096) > memoryShare(16384))
  }
}
