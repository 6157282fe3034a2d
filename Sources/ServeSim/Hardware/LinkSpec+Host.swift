extension LinkSpec {
  /// The device-to-host link of a cluster file that names none: PCIe Gen4
  /// x16, 16 GT/s × 16 lanes with 128b/130b coding = 31.5 GB/s per direction
  /// (PCI-SIG PCIe 4.0 base specification), taken as 32 GB/s; 10 µs per
  /// transfer and 0.8 of the line rate achieved by pinned-memory copies are
  /// assumptions, as in the shipped cluster files.
  public static let defaultHost = LinkSpec(
    kind: "pcie", bandwidthGBps: 32, latencyUs: 10, efficiency: 0.8, topology: "point-to-point")
}
