import Testing

@testable import ServeSim

/// Pricers of one cost model share a memo across scheduler limits.
struct SharedMemoTests {
  @Test func aPricerPricesAlikeWithAnotherPlansWarmedMemo() throws {
    let small = try Simulator(plan: Fixtures.plan(maxSeqs: 8, budget: 256)).pools.pricers[0]
    var big = try Simulator(plan: Fixtures.plan(maxSeqs: 64, budget: 2048)).pools.pricers[0]
    big.growMemo(upTo: 4096)
    big.warm(upTo: 4096)
    var adopted = small
    adopted.adoptMemo(of: big)
    var fresh = small
    for tokens in [1, 7, 100, 255, 1000, 4000, 5000] {
      var shape = BatchShape()
      shape.addPrefill(chunk: tokens, context: tokens + 10, samples: true)
      shape.addDecode(context: 300)
      #expect(adopted.price(shape) == fresh.price(shape))
    }
    // A smaller memo is not taken.
    var kept = big
    kept.adoptMemo(of: small)
    var shape = BatchShape()
    shape.addPrefill(chunk: 3000, context: 3000, samples: true)
    #expect(kept.price(shape) == big.price(shape))
  }
}
