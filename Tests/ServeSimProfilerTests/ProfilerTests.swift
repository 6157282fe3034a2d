import Testing

@testable import ServeSimProfiler

@Test func blasReportsItsConfiguration() {
  #expect(BLAS.configuration.contains("OpenBLAS"))
}
