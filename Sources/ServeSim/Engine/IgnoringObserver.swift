/// An observer that ignores everything (for simulations that keep their results).
struct IgnoringObserver: SimulationObserver {
  mutating func retire(_ record: RequestRecord, id: Int) {}
  mutating func record(_ iterations: ArraySlice<IterationRecord>) {}
}
