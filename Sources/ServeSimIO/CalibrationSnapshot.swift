import Foundation
import ServeSim

/// A calibration store's devices in a compact binary form, kept next to the
/// store (`<store>.snapshot`): each device's fits and its measurements already
/// grouped into curves (`MeasurementTable`), without the rows. Reading it
/// replaces opening SQLite, reading tens of thousands of rows and grouping
/// them, which was most of a short simulation's start-up (issue 10).
///
/// Like the store, it is a build product: written on the first load of a
/// store, and used only while its key matches, that is while the store's
/// bytes hash to the same content hash and the running program is the same
/// executable (size and modification time: a rebuilt servesim may group or
/// fit differently). Otherwise, or when it cannot be read or written, the
/// store is read as before. A calibration read either way prices the same,
/// bit for bit.
struct CalibrationSnapshot: Equatable {
  /// The store's device names, sorted (as `CalibrationStore.devices()`).
  var devices: [String]
  /// Each device's calibration (fits and curves).
  var calibrations: [String: Calibration]

  /// Format of the file; raise it when the layout changes.
  static let format: UInt64 = 1
  static let magic: UInt64 = 0x5353_4E41_5053_4341  // "ACSPANSS"

  /// The snapshot's path for the store at `store`.
  static func path(for store: String) -> String { store + ".snapshot" }

  /// The snapshot of every device of `store` (read from SQLite).
  init(store: CalibrationStore) throws(CalibrationError) {
    devices = try store.devices()
    calibrations = [:]
    for device in devices {
      let c = try store.calibration(device: device, for: nil)
      calibrations[device] = Calibration(device: device, fits: c.fits, table: c.table)
    }
  }

  init(devices: [String], calibrations: [String: Calibration]) {
    self.devices = devices
    self.calibrations = calibrations
  }

  /// The calibration the store at `path` gives `device` (or the device
  /// matching `spec`), read from its snapshot when the snapshot is current,
  /// else from the store (then written as a snapshot, when possible).
  static func calibration(path: String, device: String?, for spec: DeviceSpec?) throws(CalibrationError)
    -> Calibration
  {
    let snapshotPath = Self.path(for: path)
    let key = Self.key(store: path)
    var snapshot: CalibrationSnapshot
    if let key, let bytes = FileManager.default.contents(atPath: snapshotPath),
      let read = Self.decode([UInt8](bytes), key: key)
    {
      snapshot = read
    } else {
      snapshot = try CalibrationSnapshot(store: CalibrationStore.open(existing: path))
      if let key {
        let folder = (snapshotPath as NSString).deletingLastPathComponent
        _ = try? AtomicWriter.write(
          [((snapshotPath as NSString).lastPathComponent, snapshot.encoded(key: key))],
          to: folder.isEmpty ? "." : folder)
      }
    }
    let chosen = try CalibrationStore.choose(
      from: snapshot.devices, named: device, matching: spec?.name, path: path)
    guard let calibration = snapshot.calibrations[chosen] else {
      throw .noDevice(path: path, wanted: chosen, available: snapshot.devices)
    }
    return calibration
  }

  // MARK: Key

  /// What a snapshot must match: the store's content hash and size, and the
  /// running executable's size and modification time (nil when unknown: no
  /// snapshot is then read or written).
  struct Key: Equatable {
    var storeHash: UInt64
    var storeSize: UInt64
    var executableSize: UInt64
    var executableModified: UInt64
  }

  /// The key of the store at `path` for this executable.
  static func key(store path: String) -> Key? {
    // Mapped rather than read: the store is hashed once, never copied.
    guard let executable = executableIdentity,
      let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    else { return nil }
    return Key(
      storeHash: contentHash(data), storeSize: UInt64(data.count), executableSize: executable.size,
      executableModified: executable.modified)
  }

  /// The running executable's size in bytes and modification time (bit
  /// pattern of seconds since 1970).
  static let executableIdentity: (size: UInt64, modified: UInt64)? = {
    let fm = FileManager.default
    guard
      let path = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath,
      let attributes = try? fm.attributesOfItem(atPath: path),
      let size = attributes[.size] as? Int,
      let modified = attributes[.modificationDate] as? Date
    else { return nil }
    return (UInt64(size), modified.timeIntervalSince1970.bitPattern)
  }()

  /// A 64-bit hash of `data` (multiply–xorshift over 8-byte words; not
  /// cryptographic: it tells a changed store from the one snapshotted).
  static func contentHash(_ data: Data) -> UInt64 {
    data.withUnsafeBytes { raw -> UInt64 in
      var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(raw.count)
      let words = raw.count / 8
      for i in 0..<words {
        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
      }
      for i in (words * 8)..<raw.count {
        h = (h ^ UInt64(raw[i])) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
      }
      return h
    }
  }

  // MARK: Encoding

  /// The file's bytes: magic, format, key, then each device's fits and curves
  /// (integers and doubles as 8 little-endian bytes, strings as a length and
  /// UTF-8).
  func encoded(key: Key) -> [UInt8] {
    var out = [UInt8]()
    func int(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    func int(_ v: Int) { int(UInt64(bitPattern: Int64(v))) }
    func double(_ v: Double) { int(v.bitPattern) }
    func string(_ s: String) {
      let utf8 = Array(s.utf8)
      int(utf8.count)
      out.append(contentsOf: utf8)
    }
    /// An operator and its format ("" for none), as fits and curves name them.
    func kind(_ op: CalibrationOp, _ dtype: DType?) {
      string(op.rawValue)
      string(dtype?.rawValue ?? "")
    }
    func doubles(_ a: [Double]) {
      int(a.count)
      for v in a { double(v) }
    }
    int(Self.magic)
    int(Self.format)
    int(key.storeHash)
    int(key.storeSize)
    int(key.executableSize)
    int(key.executableModified)
    int(devices.count)
    for device in devices {
      string(device)
      let c = calibrations[device] ?? Calibration(device: device, fits: [], table: MeasurementTable([]))
      int(c.fits.count)
      for f in c.fits {
        kind(f.op, f.dtype)
        int(f.ranks)
        double(f.launchSeconds)
        double(f.secondsPerFlop)
        double(f.secondsPerByte)
        int(f.tileM)
        int(f.tileN)
        int(f.computeUnits)
        double(f.residual)
        int(f.points)
      }
      // Sorted so that the same store always gives the same bytes.
      let families = c.table.curves.sorted { a, b in
        (a.key.op.rawValue, a.key.dtype?.rawValue ?? "", a.key.a, a.key.b, a.key.c)
          < (b.key.op.rawValue, b.key.dtype?.rawValue ?? "", b.key.a, b.key.b, b.key.c)
      }
      int(families.count)
      for (family, curve) in families {
        kind(family.op, family.dtype)
        int(family.a)
        int(family.b)
        int(family.c)
        doubles(curve.logSizes)
        doubles(curve.logSeconds)
        int(curve.logRatios == nil ? 0 : 1)
        if let ratios = curve.logRatios { doubles(ratios) }
      }
    }
    return out
  }

  /// Reads bytes written by `encoded(key:)`; nil when they are not a
  /// snapshot of this format with this key, or are cut short.
  static func decode(_ bytes: [UInt8], key: Key) -> CalibrationSnapshot? {
    var r = Reader(bytes: bytes)
    guard r.uint() == magic, r.uint() == format, r.uint() == key.storeHash, r.uint() == key.storeSize,
      r.uint() == key.executableSize, r.uint() == key.executableModified, let count = r.count()
    else { return nil }
    var devices = [String]()
    var calibrations = [String: Calibration]()
    for _ in 0..<count {
      guard let device = r.string(), let fitCount = r.count() else { return nil }
      var fits = [OperatorFit]()
      for _ in 0..<fitCount {
        guard let opName = r.string(), let op = CalibrationOp(rawValue: opName), let dtypeName = r.string(),
          let ranks = r.int(), let launch = r.double(), let flop = r.double(), let byte = r.double(),
          let tileM = r.int(), let tileN = r.int(), let units = r.int(), let residual = r.double(),
          let points = r.int()
        else { return nil }
        fits.append(
          OperatorFit(
            op: op, dtype: DType(rawValue: dtypeName), ranks: ranks, launchSeconds: launch,
            secondsPerFlop: flop, secondsPerByte: byte, tileM: tileM, tileN: tileN, computeUnits: units,
            residual: residual, points: points))
      }
      guard let familyCount = r.count() else { return nil }
      var curves = [MeasurementTable.Family: MeasuredCurve]()
      curves.reserveCapacity(familyCount)
      for _ in 0..<familyCount {
        guard let opName = r.string(), let op = CalibrationOp(rawValue: opName), let dtypeName = r.string(),
          let a = r.int(), let b = r.int(), let c = r.int(), let sizes = r.doubles(),
          let seconds = r.doubles(), let hasRatios = r.int()
        else { return nil }
        var ratios: [Double]?
        if hasRatios != 0 {
          guard let read = r.doubles() else { return nil }
          ratios = read
        }
        var family = MeasurementTable.Family(op: op, dtype: .fp32, a: a, b: b, c: c)
        family.dtype = DType(rawValue: dtypeName)
        curves[family] = MeasuredCurve(logSizes: sizes, logSeconds: seconds, logRatios: ratios)
      }
      devices.append(device)
      calibrations[device] = Calibration(device: device, fits: fits, table: MeasurementTable(curves: curves))
    }
    guard r.offset == bytes.count else { return nil }
    return CalibrationSnapshot(devices: devices, calibrations: calibrations)
  }

  /// Reads the little-endian fields of a snapshot; each read is nil past the end.
  struct Reader {
    let bytes: [UInt8]
    var offset = 0

    mutating func uint() -> UInt64? {
      guard offset + 8 <= bytes.count else { return nil }
      let v = bytes.withUnsafeBytes {
        UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      }
      offset += 8
      return v
    }

    mutating func int() -> Int? { uint().map { Int(Int64(bitPattern: $0)) } }

    mutating func double() -> Double? { uint().map(Double.init(bitPattern:)) }

    /// A count of items that follow, each at least one byte.
    mutating func count() -> Int? {
      guard let n = int(), n >= 0, n <= bytes.count - offset else { return nil }
      return n
    }

    mutating func string() -> String? {
      guard let n = count() else { return nil }
      let s = String(decoding: bytes[offset..<offset + n], as: UTF8.self)
      offset += n
      return s
    }

    mutating func doubles() -> [Double]? {
      guard let n = count(), n * 8 <= bytes.count - offset else { return nil }
      var out = [Double](repeating: 0, count: n)
      bytes.withUnsafeBytes { raw in
        for i in 0..<n {
          out[i] = Double(
            bitPattern: UInt64(
              littleEndian: raw.loadUnaligned(fromByteOffset: offset + i * 8, as: UInt64.self)))
        }
      }
      offset += n * 8
      return out
    }
  }
}
