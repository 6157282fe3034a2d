import Testing

@testable import ServeSim

/// One GEMM kernel, plain or grouped, priced as the simulator prices dense
/// GEMMs and MoE expert GEMMs (what `servesim cost` and the DeepGEMM table use).
@Suite struct GroupedGEMMTests {
  let cost = CostModel(
    model: Fixtures.model, device: Fixtures.device,
    precision: Precision(weights: .fp8, activations: .fp8, kvCache: .fp8),
    tensorGroup: Fixtures.group(1, .ringOnly))

  func close(_ a: OperatorEstimate, _ b: OperatorEstimate) -> Bool {
    abs(a.seconds - b.seconds) <= 1e-12 && a.flops == b.flops && a.bytes == b.bytes
  }

  @Test func aPlainKernelIsTheDenseGEMMWithoutItsInputQuantisation() {
    var kernel = cost.activationQuantisation(rows: 300, width: 1024, mode: .eager)
    kernel += cost.gemmKernel(m: 300, n: 4096, k: 1024, mode: .eager)
    #expect(close(kernel, cost.gemm(m: 300, n: 4096, k: 1024, mode: .eager)))
  }

  @Test func groupedKernelsAreTheExpertGEMMs() {
    // 512 token-to-expert rows over 4 experts of inner width 256: gate/up
    // (n = 512, k = 1024) and down (n = 1024, k = 256), 128 rows per expert.
    let (a, f, h) = (512.0, 256.0, 1024.0)
    var kernels = OperatorEstimate.zero
    for (n, k) in [(2 * f, h), (h, f)] {
      kernels += cost.activationQuantisation(rows: a, width: k, mode: .eager)
      kernels += cost.gemmKernel(m: a / 4, n: n, k: k, groups: 4, mode: .eager)
    }
    kernels += cost.elementwise(
      bytes: 3 * a * f * cost.activationBytes, flops: 8 * a * f, mode: .eager, op: .siluMul)
    #expect(close(kernels, cost.expertGEMMs(assignments: a, activeExperts: 4, inner: f, mode: .eager)))
    // Four experts' weights are read: more bytes than one plain GEMM of all the rows.
    let plain = cost.gemmKernel(m: a, n: 2 * f, k: h, mode: .eager)
    #expect(cost.gemmKernel(m: a / 4, n: 2 * f, k: h, groups: 4, mode: .eager).bytes > plain.bytes)
  }
}
