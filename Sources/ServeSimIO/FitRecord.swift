import Foundation
import GRDB
import ServeSim

/// A row of the `fit` table; `parameters` is a JSON object of named figures
/// (`launch_us`, `tflops`, `gbps`, `tile_m`, `tile_n`, `units`).
struct FitRecord: Codable, FetchableRecord, MutablePersistableRecord, SnakeCaseColumns {
  static let databaseTableName = "fit"

  var id: Int64?
  var device: String
  var op: String
  var dtype: String
  var ranks: Int
  var parameters: String
  var residual: Double
  var points: Int
  var fittedAt: String

  init(device: String, fit: OperatorFit, at time: String) {
    self.device = device
    op = fit.op.rawValue
    dtype = fit.dtype?.rawValue ?? ""
    ranks = fit.ranks
    var object = [String: Double]()
    for (key, value) in fit.parameters { object[key] = value }
    let data =
      (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    parameters = String(decoding: data, as: UTF8.self)
    residual = fit.residual
    points = fit.points
    fittedAt = time
  }

  var fit: OperatorFit? {
    guard let op = CalibrationOp(rawValue: op),
      let object = try? JSONSerialization.jsonObject(with: Data(parameters.utf8)) as? [String: Any]
    else { return nil }
    var figures = [String: Double]()
    for (key, value) in object {
      if let number = value as? NSNumber { figures[key] = number.doubleValue }
    }
    return OperatorFit(
      op: op, dtype: DType(rawValue: dtype), ranks: ranks, parameters: figures, residual: residual,
      points: points)
  }

  mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
