import ArgumentParser
import Foundation
import ServeSim
import ServeSimIO
import ServeSimProfiler

/// `servesim profile --device host --write-device DIR`: the profiled machine
/// as a device file and a one-device cluster file a plan can name at once.
extension Profile {
  /// The store's path: --db, or DIR/<name>.sqlite with --write-device when
  /// --db is left at its default.
  var storePath: String {
    guard let writeDevice, db == "reports/calibration.sqlite" else { return db }
    return (writeDevice as NSString).appendingPathComponent(deviceName + ".sqlite")
  }

  /// The written device's and cluster's name: --name, else from the CPU model.
  var deviceName: String { name ?? HostDeviceFile.name(of: HostInfo.current().processor) }

  /// Installed memory from /proc/meminfo's MemTotal, in bytes (0 if unreadable).
  static func memoryBytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
      let fields = line.split(separator: " ")
      if fields.count >= 2, let kib = Double(fields[1]) { return kib * 1024 }
    }
    return 0
  }

  /// `path` relative to the folder `base` (both made absolute).
  static func relative(_ path: String, from base: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    func parts(_ p: String) -> [String] {
      let absolute = p.hasPrefix("/") ? p : (cwd as NSString).appendingPathComponent(p)
      return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
    }
    let target = parts(path)
    let from = parts(base)
    var common = 0
    while common < min(target.count, from.count) && target[common] == from[common] { common += 1 }
    return (Array(repeating: "..", count: from.count - common) + target[common...]).joined(separator: "/")
  }

  func writeHostDevice(to directory: String, store: CalibrationStore, devices: Set<String>) throws {
    let host = HostInfo.current()
    // The device profiled on the most threads stands for the machine.
    let threadsOf: (String) -> Int = { name in
      name == "host" ? host.cores : Int(name.dropFirst("host-".count).dropLast()) ?? 1
    }
    guard let storeDevice = devices.max(by: { threadsOf($0) < threadsOf($1) }) else {
      throw ExitStatus.fail("nothing was profiled: no device file to write", status: ExitStatus.cannotRun)
    }
    let name = deviceName
    let command =
      "servesim profile --device host\(quick ? " --quick" : "") --write-device \(directory)\(self.name.map { " --name \($0)" } ?? "")"
    do {
      let file = HostDeviceFile(
        processor: host.processor, blas: host.blas, storeDevice: storeDevice,
        cores: threadsOf(storeDevice), memoryBytes: Self.memoryBytes(),
        fits: try store.fits(device: storeDevice), measurements: try store.measurements(device: storeDevice),
        command: command, date: String(Self.now().prefix(10)))
      let devicesFolder = (directory as NSString).appendingPathComponent("devices")
      let device = try file.deviceYAML(
        name: name, calibration: Self.relative(storePath, from: devicesFolder))
      _ = try AtomicWriter.write([(name + ".yaml", Array(device.utf8))], to: devicesFolder)
      _ = try AtomicWriter.write([(name + ".yaml", Array(file.clusterYAML(name: name).utf8))], to: directory)
    } catch let error as CalibrationError {
      throw fail(error)
    } catch {
      throw ExitStatus.fail(
        "cannot write the device files to '\(directory)': \(error)", status: ExitStatus.cannotRun)
    }
    let cluster = (directory as NSString).appendingPathComponent(name + ".yaml")
    print("wrote \((directory as NSString).appendingPathComponent("devices/\(name).yaml")) and \(cluster)")
    print("a plan names this machine with `cluster:` and the path of \(cluster) relative to the plan file")
  }
}
