import Testing

@testable import ServeSim

/// Topology-aware collectives, and NCCL's algorithm and protocol choice
/// across nodes (NCCLTuning), against hand calculations.
@Suite struct CollectiveTests {
  let nvlink = LinkSpec(kind: "nvlink", bandwidthGBps: 400, latencyUs: 2, efficiency: 1, topology: "switch")
  let ib = LinkSpec(kind: "infiniband", bandwidthGBps: 50, latencyUs: 10, efficiency: 1, topology: "fat-tree")

  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }

  @Test func allReduceAcrossTwoNodesIsNCCLsTreeForALargeMessage() {
    let g = CommGroup(ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib, customAllReduce: true)
    #expect(g.nodes == 2)
    let n = 4e9
    // NCCL's tree with Simple: 2·(7 NVLink hops of 28·2/3.4 us + a network hop
    // of 28 + 10 us), then each node's message across its 8 NICs of 50 GB/s
    // once each way, × 0.92 (NCCLTuningTests has the other protocols).
    let latency = 2 * (7 * 28 * 2 / 3.4 + 28 + 10) * 1e-6
    #expect(close(g.allReduce(bytes: n), latency + n / (400e9 * 0.92)))
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

  @Test func smallMessagesTakeTheTreeWithLL() {
    let choice = NCCLTuning.allReduce(
      bytes: 4096, ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib,
      intraIsPCIe: false, networkIsRDMA: true)
    #expect(choice.algorithm == .tree && choice.wire == .ll)
    // baseLat 6.8 + 2·(7 NVLink hops of 0.6·2/3.4 us + 1 network hop of 5 + 10 us);
    // LL's bus bandwidth: min(2·400·0.92 / 3.8, 45 GB/s cap for 2 nodes), halved,
    // × the tree's correction 0.7 at 4 KiB (log2(4096 / 64) = 6).
    let latency = 6.8 + 2 * (7 * 0.6 * 2 / 3.4 + 5 + 10)
    #expect(close(choice.seconds, latency * 1e-6 + 4096 / (22.5e9 * 0.7)))
    // The latency floor: far above the one-message alpha–beta figure.
    #expect(choice.seconds > 35e-6)
  }

  @Test func largeMessagesTakeSimple() {
    let bytes = 16.0 * 1024 * 1024 * 1024
    let choice = NCCLTuning.allReduce(
      bytes: bytes, ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib,
      intraIsPCIe: false, networkIsRDMA: true)
    #expect(choice.algorithm == .tree && choice.wire == .simple)
    // 2·(7·28·2/3.4 + 28 + 10) us, then each node's message across 8 NICs of
    // 50 GB/s once each way, × 0.92.
    let latency = 2 * (7 * 28 * 2 / 3.4 + 28 + 10)
    #expect(close(choice.seconds, latency * 1e-6 + bytes / (400e9 * 0.92)))
  }

  @Test func middleSizesTakeLL128() {
    let choice = NCCLTuning.allReduce(
      bytes: 8e6, ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib,
      intraIsPCIe: false, networkIsRDMA: true)
    #expect(choice.wire == .ll128)
    // Over a TCP network (GPUDirect-TCPXO) NCCL keeps LL128 off the wire.
    let tcp = LinkSpec(kind: "tcpxo", bandwidthGBps: 50, latencyUs: 10, efficiency: 1, topology: "rail")
    let group = CommGroup(ranks: 16, ranksPerNode: 8, intra: nvlink, inter: tcp, customAllReduce: true)
    #expect(!group.networkIsRDMA)
    let overTCP = NCCLTuning.allReduce(
      bytes: 8e6, ranks: 16, ranksPerNode: 8, intra: nvlink, inter: tcp, intraIsPCIe: false,
      networkIsRDMA: false)
    #expect(overTCP.wire != .ll128 && close(group.allReduce(bytes: 8e6), overTCP.seconds))
  }

  @Test func groupsAcrossNodesUseNCCLsChoice() {
    let g = CommGroup(ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib, customAllReduce: true)
    for bytes in [1024.0, 1e6, 64e6, 4e9] {
      let nccl = NCCLTuning.allReduce(
        bytes: bytes, ranks: 16, ranksPerNode: 8, intra: nvlink, inter: ib,
        intraIsPCIe: false, networkIsRDMA: true)
      #expect(close(g.allReduce(bytes: bytes), nccl.seconds))
    }
    // Inside a node the custom kernels and the fitted ring stay.
    let one = CommGroup(ranks: 8, ranksPerNode: 8, intra: nvlink, inter: ib, customAllReduce: true)
    // One-shot: a barrier at the start and one at the end.
    #expect(close(one.allReduce(bytes: 1e3), 2 * 2e-6 + 7 * 1e3 / 400e9))
  }

  @Test func customAllReduceBarriersAndItsPrecedenceOverMeasuredNCCL() {
    let group = Fixtures.group(8, .customInNode)
    // One-shot pays two barriers (α = 5 us each) and reads 7 peers' inputs;
    // two-shot three barriers and 2·7/8 of the bytes.
    #expect(
      close(Collectives.customAllReduce(bytes: 1e3, ranks: 8, link: Fixtures.link), 10e-6 + 7e3 / 100e9))
    #expect(
      close(
        Collectives.customAllReduce(bytes: 4e6, ranks: 8, link: Fixtures.link), 15e-6 + 1.75 * 4e6 / 100e9))
    // A calibration's NCCL fit does not price what the custom kernel runs…
    let nccl = OperatorFit(
      op: .allReduce, dtype: nil, ranks: 8, launchSeconds: 30e-6, secondsPerFlop: 0,
      secondsPerByte: 1 / 100e9, residual: 0, points: 10)
    let calibration = Calibration(device: "round", measurements: [], fits: [nccl])
    let custom = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: Precision(), tensorGroup: group,
      calibration: calibration)
    #expect(close(custom.collective(.allReduce, bytes: 1e3).seconds, 10e-6 + 7e3 / 100e9))
    // …but prices every all-reduce of an engine told not to use it.
    let ncclOnly = CostModel(
      model: Fixtures.model, device: Fixtures.device, precision: Precision(),
      tensorGroup: Fixtures.group(8, .ringOnly), calibration: calibration)
    #expect(close(ncclOnly.collective(.allReduce, bytes: 1e3).seconds, 30e-6 + 1e3 / 100e9))
  }
}
