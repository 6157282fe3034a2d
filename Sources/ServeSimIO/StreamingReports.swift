import Foundation
import ServeSim

/// Writes `requests.csv` and `iterations.csv` while a streaming simulation
/// runs (`Simulator.run(streamingTo:)`), and `summary.csv` at the end, so that
/// replaying tens of millions of requests needs memory for the requests in
/// flight and the latency samples only, not for every record and its text.
///
/// The rows are the same bytes `Reports` writes from a kept result. With
/// plots, the latency CDFs come from the summary's samples (the same charts
/// while they are exact) and the over-time charts from `StreamingPlots`. Files
/// go to temporary names in the report folder and are renamed only when all
/// are complete; `abandon()` leaves no report behind.
public struct StreamingReports: SimulationObserver {
  private let requests: StagedFile
  /// The iteration log, unless left out.
  private let iterations: StagedFile?
  private let directory: String
  /// The outcomes of the requests retired so far, for the summary.
  public private(set) var outcomes: RequestOutcomes
  private var plots: StreamingPlots?

  /// Opens the temporary files in `directory` (created if missing).
  ///
  /// - Parameters:
  ///   - plots: also write the SVG plots and `index.html`.
  ///   - iterations: write the iteration log, `iterations.csv`.
  public init(plan: PlanSpec, directory: String, plots: Bool = false, iterations log: Bool = true) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    self.directory = directory
    requests = try StagedFile(directory: directory, name: "requests.csv")
    do {
      iterations = log ? try StagedFile(directory: directory, name: "iterations.csv") : nil
    } catch {
      requests.remove()
      throw error
    }
    outcomes = RequestOutcomes(plan: plan, exactLimit: Simulator.streamingExactSamples)
    self.plots = plots ? StreamingPlots() : nil
    Reports.header(Reports.requestColumns, &requests.buffer)
    if let iterations { Reports.header(Reports.iterationColumns, &iterations.buffer) }
  }

  public mutating func retire(_ record: RequestRecord, id: Int) {
    outcomes.add(record)
    plots?.add(record)
    Reports.requestRow(record, id: id, &requests.buffer)
    requests.flushIfFull()
  }

  public mutating func record(_ batch: ArraySlice<IterationRecord>) {
    if let iterations {
      for it in batch { Reports.iterationRow(it, &iterations.buffer) }
      iterations.flushIfFull()
    }
    if plots != nil {
      for it in batch { plots?.add(it) }
    }
  }

  /// Completes the reports: summarises, writes `summary.csv` (and the plots
  /// and `index.html`), and renames every file into place.
  ///
  /// - Returns: the summary and the paths written.
  public consuming func finish(_ result: SimulationResult) throws -> (Summary, [String]) {
    var charts = [(String, LineChart)]()
    if let plots {
      let samples = [outcomes.ttfts, outcomes.tpots, outcomes.e2es]
      charts = zip(PlotReports.latencies, samples).map { plot, values in
        (plot.file, PlotReports.cdf(values, plot.short, plot.long))
      }
      charts += plots.charts(plan: result.plan, memory: result.memory)
    }
    let summary = Summary(result, outcomes: outcomes)
    do {
      try requests.close()
      try iterations?.close()
      var files = [("summary.csv", Reports.summaryCSV(summary, result: result))]
      if !charts.isEmpty {
        files += ReportFiles.plotFiles(
          charts, summary: summary, result: result, trace: false, iterations: iterations != nil)
      }
      let staged = try AtomicWriter.stage(files, in: directory)
      var all = [staged[0], (requests.temporary, requests.final)]
      if let iterations { all.append((iterations.temporary, iterations.final)) }
      all += staged.dropFirst()
      do {
        try AtomicWriter.commit(all)
      } catch {
        for (temporary, _) in staged { try? FileManager.default.removeItem(atPath: temporary) }
        throw error
      }
      return (summary, all.map(\.1))
    } catch {
      abandon()
      throw error
    }
  }

  /// Removes the temporary files (a failed or interrupted run).
  public func abandon() {
    requests.remove()
    iterations?.remove()
  }
}
