/// Receives what a streaming simulation produces as it goes, so that reports of
/// millions of requests can be written without keeping them (see
/// `Simulator.run(streamingTo:)`).
public protocol SimulationObserver {
  /// A request the simulation is done with (finished, dropped, or left
  /// unfinished at the end), in ID order from 0.
  mutating func retire(_ record: RequestRecord, id: Int)
  /// Iterations in start order, in batches.
  mutating func record(_ iterations: ArraySlice<IterationRecord>)
}
