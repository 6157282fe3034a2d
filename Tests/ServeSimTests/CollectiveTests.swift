import Testing

@testable import ServeSim

/// Topology-aware collectives against hand calculations.
@Suite struct CollectiveTests {
  let nvlink = LinkSpec(kind: "nvlink", bandwidthGBps: 400, latencyUs: 2, efficiency: 1, topology: "switch")
  let ib = LinkSpec(kind: "infiniband", bandwidthGBps: 50, latencyUs: 10, efficiency: 1, topology: "fat-tree")

  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }

  @Test func hierarchicalAllReduceAcrossTwoNodes() {
    let g = CommGroup(ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib, customAllReduce: true)
    #expect(g.nodes == 2)
    let n = 64e6
    // Intra reduce-scatter and all-gather: 7·2 us + 7/8 · n / 400 GB/s each.
    let intra = 7 * 2e-6 + 7.0 / 8 * n / 400e9
    // Inter all-reduce of n/8 over 2 nodes: ring 2·1·10 us + 2·1/2·(n/8)/50 GB/s;
    // tree 2·1·10 us + 2·(n/8)/50 GB/s; the ring wins.
    let inter = 2 * 10e-6 + (n / 8) / 50e9
    let flat = 2 * 15 * 10e-6 + 2 * 15.0 / 16 * n / 50e9
    #expect(close(g.allReduce(bytes: n), min(flat, 2 * intra + inter)))
  }

  @Test func leavingTheNodeIsACliff() {
    let cluster = ClusterSpec(
      name: "x", nodes: 2, devicesPerNode: 8, device: Fixtures.device, intraNode: nvlink,
      interNode: ib)
    let inNode = CommGroup(ranks: 8, cluster: cluster, engine: .vllm)
    let acrossNodes = CommGroup(ranks: 16, cluster: cluster, engine: .vllm)
    // A decode step's all-reduce (64 tokens of hidden 8192 in bf16) is latency
    // bound: leaving the node loses the custom kernel and pays network steps.
    let bytes = 64.0 * 8192 * 2
    #expect(acrossNodes.allReduce(bytes: bytes) > 3 * inNode.allReduce(bytes: bytes))
  }

  @Test func allToAllSplitsTrafficByLink() {
    let g = CommGroup(ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib, customAllReduce: false)
    let n = 16e6
    // 7/16 of the bytes go to node peers, 8/16 over the network, concurrently.
    let expected = 10e-6 + max(7.0 / 16 * n / 400e9, 8.0 / 16 * n / 50e9)
    #expect(close(g.allToAll(bytes: n), expected))
    let one = CommGroup(ranks: 8, ranksPerNode: 8, intra: nvlink, inter: ib, customAllReduce: false)
    #expect(close(one.allToAll(bytes: n), 2e-6 + 7.0 / 8 * n / 400e9))
  }

  @Test func allGatherInANode() {
    let g = CommGroup(ranks: 4, ranksPerNode: 4, intra: nvlink, inter: nil, customAllReduce: true)
    #expect(close(g.allGather(bytes: 4e6), 3 * 2e-6 + 0.75 * 4e6 / 400e9))
    #expect(close(CommGroup.sendRecv(bytes: 1e6, link: ib), 10e-6 + 1e6 / 50e9))
  }
}
