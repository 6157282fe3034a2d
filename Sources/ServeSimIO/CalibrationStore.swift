import Foundation
import GRDB
import ServeSim

/// A calibration store: one SQLite file (through GRDB) of measured kernel times
/// and the roofline fits made from them, for any number of devices.
///
/// Tables (see `migrator` for the named migrations): `measurement` (one timed
/// operator: device, backend and version, operator, dtype, shape columns,
/// median, spread, repeats, when and where), `fit` (fitted parameters of one
/// operator on one device, with their residual) and `profile_run` (one run of
/// the profiler: the machine, its CPU and the BLAS it used).
public struct CalibrationStore: Sendable {
  public let path: String
  let queue: DatabaseQueue

  /// Opens (creating if needed) and migrates the store at `path`.
  public init(path: String) throws(CalibrationError) {
    self.path = path
    do {
      let folder = (path as NSString).deletingLastPathComponent
      if !folder.isEmpty {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      }
      queue = try DatabaseQueue(path: path)
      try Self.migrator.migrate(queue)
    } catch {
      throw .store(path: path, message: "\(error)")
    }
  }

  /// Opens an existing store without creating one.
  public static func open(existing path: String) throws(CalibrationError) -> CalibrationStore {
    guard FileManager.default.fileExists(atPath: path) else {
      throw .store(path: path, message: "no such file")
    }
    return try CalibrationStore(path: path)
  }

  /// The schema, as named migrations applied in order.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-measurement") { db in
      try db.create(table: "measurement") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("device", .text).notNull()
        t.column("backend", .text).notNull()
        t.column("backend_version", .text).notNull()
        t.column("op", .text).notNull()
        t.column("dtype", .text).notNull()
        for column in MeasurementRecord.shapeColumns {
          t.column(column, .integer).notNull().defaults(to: 0)
        }
        t.column("median_us", .double).notNull()
        t.column("spread_us", .double).notNull()
        t.column("repeats", .integer).notNull()
        t.column("measured_at", .text).notNull()
        t.column("host", .text).notNull()
      }
      try db.create(index: "measurement_device_op", on: "measurement", columns: ["device", "op", "dtype"])
    }
    migrator.registerMigration("v2-measurement-threads-label-flag") { db in
      try db.alter(table: "measurement") { t in
        t.add(column: "threads", .integer).notNull().defaults(to: 0)
        t.add(column: "label", .text).notNull().defaults(to: "")
        t.add(column: "flagged", .boolean).notNull().defaults(to: false)
      }
    }
    migrator.registerMigration("v3-fit") { db in
      try db.create(table: "fit") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("device", .text).notNull()
        t.column("op", .text).notNull()
        t.column("dtype", .text).notNull()
        t.column("ranks", .integer).notNull().defaults(to: 0)
        t.column("parameters", .text).notNull()
        t.column("residual", .double).notNull()
        t.column("points", .integer).notNull()
        t.column("fitted_at", .text).notNull()
        t.uniqueKey(["device", "op", "dtype", "ranks"], onConflict: .replace)
      }
    }
    migrator.registerMigration("v4-profile-run") { db in
      try db.create(table: "profile_run") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("device", .text).notNull()
        t.column("backend", .text).notNull()
        t.column("backend_version", .text).notNull()
        t.column("host", .text).notNull()
        t.column("processor", .text).notNull()
        t.column("cores", .integer).notNull()
        t.column("started_at", .text).notNull()
        t.column("finished_at", .text).notNull()
        t.column("rows", .integer).notNull()
        t.column("notes", .text).notNull()
      }
    }
    return migrator
  }

  /// Names of the migrations applied to this store, in order.
  public func appliedMigrations() throws(CalibrationError) -> [String] {
    try read { db in try Self.migrator.appliedMigrations(db) }
  }

  func read<T>(_ body: (Database) throws -> T) throws(CalibrationError) -> T {
    do { return try queue.read(body) } catch { throw .store(path: path, message: "\(error)") }
  }

  func write<T>(_ body: (Database) throws -> T) throws(CalibrationError) -> T {
    do { return try queue.write(body) } catch { throw .store(path: path, message: "\(error)") }
  }

  // MARK: Measurements

  /// Inserts measurements in one transaction.
  public func insert(_ measurements: [KernelMeasurement]) throws(CalibrationError) {
    try write { db in
      for m in measurements {
        var record = MeasurementRecord(m)
        try record.insert(db)
      }
    }
  }

  /// Devices with measurements, sorted.
  public func devices() throws(CalibrationError) -> [String] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT DISTINCT device FROM measurement ORDER BY device")
    }
  }

  /// Measurements of `device` (all devices when nil), in insertion order.
  public func measurements(device: String? = nil) throws(CalibrationError) -> [KernelMeasurement] {
    let records = try read { db in
      if let device {
        return try MeasurementRecord.filter(Column("device") == device).order(Column("id")).fetchAll(db)
      }
      return try MeasurementRecord.order(Column("id")).fetchAll(db)
    }
    var out = [KernelMeasurement]()
    out.reserveCapacity(records.count)
    for r in records {
      guard let m = r.measurement else {
        throw .store(
          path: path, message: "measurement \(r.id ?? 0) has an unknown op '\(r.op)' or dtype '\(r.dtype)'")
      }
      out.append(m)
    }
    return out
  }

  /// `device`'s measurements with only what pricing reads (operator, format,
  /// shape, median, flag; no provenance strings), read row by row: a shipped
  /// store of 40,000 rows loads in a few tens of milliseconds.
  func pricingMeasurements(device: String) throws(CalibrationError) -> [KernelMeasurement] {
    try read { db in
      var out = [KernelMeasurement]()
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT op, dtype, m, n, k, batch, heads, kv_heads, head_dim, q_tokens, kv_tokens, bytes, \
          ranks, median_us, flagged FROM measurement WHERE device = ? ORDER BY id
          """, arguments: [device])
      while let row = try rows.next() {
        let opName: String = row[0]
        let dtypeName: String = row[1]
        guard let op = CalibrationOp(rawValue: opName), let dtype = DType(rawValue: dtypeName) else {
          throw CalibrationError.store(
            path: path, message: "a measurement has an unknown op '\(opName)' or dtype '\(dtypeName)'")
        }
        out.append(
          KernelMeasurement(
            device: device, backend: "", backendVersion: "", op: op, dtype: dtype,
            shape: OperatorShape(
              m: row[2], n: row[3], k: row[4], batch: row[5], heads: row[6], kvHeads: row[7],
              headDim: row[8], qTokens: row[9], kvTokens: row[10], bytes: row[11], ranks: row[12]),
            medianUs: row[13], spreadUs: 0, repeats: 0, measuredAt: "", host: "", flagged: row[14]))
      }
      return out
    }
  }

  /// Deletes `device`'s measurements and fits.
  public func remove(device: String) throws(CalibrationError) {
    try write { db in
      try db.execute(sql: "DELETE FROM measurement WHERE device = ?", arguments: [device])
      try db.execute(sql: "DELETE FROM fit WHERE device = ?", arguments: [device])
    }
  }

  // MARK: Fits

  /// Replaces `device`'s fits, in one transaction.
  public func replaceFits(device: String, with fits: [OperatorFit], at time: String) throws(CalibrationError)
  {
    try write { db in
      try db.execute(sql: "DELETE FROM fit WHERE device = ?", arguments: [device])
      for f in fits {
        var record = FitRecord(device: device, fit: f, at: time)
        try record.insert(db)
      }
    }
  }

  /// `device`'s fits.
  public func fits(device: String) throws(CalibrationError) -> [OperatorFit] {
    let records = try read { db in
      try FitRecord.filter(Column("device") == device).order(Column("op"), Column("dtype"), Column("ranks"))
        .fetchAll(db)
    }
    return records.compactMap(\.fit)
  }

  /// Fits `device`'s roofline parameters to its measurements and stores them.
  ///
  /// - Parameter computeUnits: SMs for tile and wave quantisation (0 for none).
  /// - Returns: the fits.
  @discardableResult
  public func refit(device: String, computeUnits: Int, at time: String) throws(CalibrationError)
    -> [OperatorFit]
  {
    let fits = CalibrationFitter.fit(try measurements(device: device), computeUnits: computeUnits)
    try replaceFits(device: device, with: fits, at: time)
    return fits
  }

  // MARK: Runs

  /// Records one run of the profiler.
  public func record(_ run: ProfileRunRecord) throws(CalibrationError) {
    try write { db in
      var record = run
      try record.insert(db)
    }
  }

  /// Every recorded profiler run.
  public func runs() throws(CalibrationError) -> [ProfileRunRecord] {
    try read { db in try ProfileRunRecord.order(Column("id")).fetchAll(db) }
  }

  // MARK: Loading a calibration

  /// The calibration of one device of the store.
  ///
  /// - Parameters:
  ///   - name: the store's device name; when nil, the store's only device, or
  ///     the one whose name matches `spec`'s (letters and digits compared
  ///     without case, one containing the other: "h100" matches "NVIDIA H100
  ///     SXM5 80GB").
  ///   - spec: the device being priced.
  ///   - ceiling: the best source allowed.
  public func calibration(
    device name: String? = nil, for spec: DeviceSpec?, ceiling: CostSource = .measured
  ) throws(CalibrationError) -> Calibration {
    let available = try devices()
    let chosen = try Self.choose(
      from: available, named: name, matching: spec?.name, path: path)
    let measurements = try pricingMeasurements(device: chosen)
    return Calibration(
      device: chosen, measurements: measurements, fits: try fits(device: chosen), ceiling: ceiling)
  }

  /// Picks a device name (see `calibration(device:for:ceiling:)`).
  static func choose(from available: [String], named: String?, matching spec: String?, path: String)
    throws(CalibrationError) -> String
  {
    if let named {
      guard available.contains(named) else {
        throw .noDevice(path: path, wanted: named, available: available)
      }
      return named
    }
    guard !available.isEmpty else {
      throw .noDevice(path: path, wanted: spec ?? "any", available: [])
    }
    if available.count == 1 { return available[0] }
    guard let spec else { throw .ambiguousDevice(path: path, wanted: "any", matches: available) }
    let matches = matching(spec, in: available)
    if matches.count == 1 { return matches[0] }
    if matches.isEmpty { throw .noDevice(path: path, wanted: spec, available: available) }
    throw .ambiguousDevice(path: path, wanted: spec, matches: matches)
  }

  /// The names of `available` that match device name `wanted`: the one equal
  /// to it when letters and digits are compared without case, else every one
  /// containing it or contained in it ("h100" and "NVIDIA H100 SXM5 80GB").
  public static func matching(_ wanted: String, in available: [String]) -> [String] {
    func key(_ s: String) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
    let target = key(wanted)
    if let exact = available.first(where: { key($0) == target }) { return [exact] }
    return available.filter { target.contains(key($0)) || key($0).contains(target) }
  }
}
