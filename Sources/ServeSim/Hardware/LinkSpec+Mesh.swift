/// Full-mesh links (AMD Infinity Fabric): each device of a node has one
/// point-to-point link to each other device, and no switch.
extension LinkSpec {
  /// Whether the link is a full mesh of point-to-point links (`topology:
  /// mesh`), whose `bandwidthGBps` is that of one link to one peer, per
  /// direction. AMD Instinct MI300X/MI325X/MI355X platforms join 8 GPUs by
  /// 7 Infinity Fabric (xGMI) links each, one to every peer (AMD CDNA 3
  /// architecture white paper, "AMD Instinct MI300X platform").
  public var isMesh: Bool { topology == "mesh" }

  /// The link as a group of `ranks` devices of one node sees it: on a
  /// switch the same (every device reaches the fabric at its full
  /// bandwidth, whatever the group); on a full mesh each device reaches the
  /// other `ranks` − 1 members over as many links at once, so the group's
  /// per-device bandwidth is (`ranks` − 1) links. The collectives' formulas
  /// then hold for a mesh: a ring or two-shot all-reduce moving
  /// 2(p−1)/p · n over (p−1)·b takes 2n/(p·b), what the direct mesh
  /// algorithm (a reduce-scatter and an all-gather sending n/p to each peer
  /// over its own link) takes; a point-to-point message uses one link.
  ///
  /// - Parameter ranks: devices of the group on this link (1 or more).
  /// - Returns: the link with the group's bandwidth per device.
  public func seen(byGroupOf ranks: Int) -> LinkSpec {
    guard isMesh else { return self }
    var link = self
    link.bandwidthGBps = bandwidthGBps * Double(max(ranks - 1, 1))
    return link
  }

  /// A group's view of a mesh (`seen(byGroupOf: from)`) for a smaller or
  /// larger group of `to` devices on the same links.
  func reseen(from: Int, to: Int) -> LinkSpec {
    guard isMesh else { return self }
    var link = self
    link.bandwidthGBps = bandwidthGBps / Double(max(from - 1, 1)) * Double(max(to - 1, 1))
    return link
  }
}
