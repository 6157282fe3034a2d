/// The calibration hook of the cost model: each operator is priced from the
/// device's calibration when it covers the operator (measured, then fitted)
/// and from the datasheet roofline otherwise, and says which.
extension CostModel {
  /// Prices one operator.
  ///
  /// Measured and fitted times were taken with eager launches, launch cost
  /// included; inside a captured graph the difference between an eager and a
  /// graph launch is taken off (keeping at least half the time).
  ///
  /// - Parameters:
  ///   - family: the operator's family of shapes in the calibration.
  ///   - work: FLOPs, bytes and the interpolation size.
  ///   - roofline: the datasheet time without launch, in seconds.
  func priced(
    _ family: MeasurementTable.Family, work: OperatorWork, m: Double = 0, n: Double = 0,
    k: Double = 0, roofline: Double, mode: LaunchMode, measured: Bool = true
  ) -> OperatorEstimate {
    priced(
      calibration?.lookup(family), work: work, m: m, n: n, k: k, roofline: roofline, mode: mode,
      measured: measured)
  }

  /// Prices one operator whose family was looked up already (nil: no calibration).
  func priced(
    _ lookup: Calibration.Lookup?, work: OperatorWork, m: Double = 0, n: Double = 0,
    k: Double = 0, roofline: Double, mode: LaunchMode, measured: Bool = true
  ) -> OperatorEstimate {
    // Priced from the lookup and the calibration's two settings: reading the
    // calibration itself would copy the struct and retain each of its
    // tables, once per call (issue 10: the attention operators are priced
    // every iteration). A lookup comes from the calibration.
    calibrated(
      Calibration.seconds(
        lookup, ceiling: calibrationCeiling, measuredElsewhere: calibrationMeasuredElsewhere, work: work,
        m: m, n: n, k: k, measured: measured), work: work, roofline: roofline, mode: mode)
  }

  /// Prices an operator of `kernels` kernels priced every iteration
  /// (attention) from its family's box, held unretained beside the lookup
  /// that owns it (`CostModel.attentionLookups`): a copy of the lookup per
  /// call cost a retain and a release through the generic value witness,
  /// about a twentieth of a capacity search (issue 10).
  func priced(
    _ box: Unmanaged<Calibration.Lookup.Parts>?, work: OperatorWork, kernels: Double, roofline: Double,
    mode: LaunchMode
  ) -> OperatorEstimate {
    let found = box?._withUnsafeGuaranteedRef {
      Calibration.seconds(
        $0, ceiling: calibrationCeiling, measuredElsewhere: calibrationMeasuredElsewhere, work: work)
    }
    return calibrated(found ?? nil, work: work, kernels: kernels, roofline: roofline, mode: mode)
  }

  /// An operator's estimate of `kernels` kernels from its calibrated time
  /// (nil: the roofline's).
  private func calibrated(
    _ found: (seconds: Double, source: CostSource)?, work: OperatorWork, kernels: Double = 1,
    roofline: Double, mode: LaunchMode
  ) -> OperatorEstimate {
    if let (t, source) = found {
      let saved = launchSeconds(.eager) - launchSeconds(mode)
      let seconds = max(t - saved, t / 2)
      return issued(
        OperatorEstimate(
          seconds: seconds, flops: work.flops, bytes: work.bytes,
          sources: SourceSeconds(seconds, from: source), kernels: kernels), mode: mode)
    }
    return issued(
      OperatorEstimate(
        seconds: roofline + launchSeconds(mode), flops: work.flops, bytes: work.bytes, kernels: kernels),
      mode: mode)
  }

  /// A collective of `bytes` per rank across the tensor group, from the
  /// calibration's measurements or fit for this rank count, else the
  /// alpha–beta model of the group's links.
  public func collective(_ op: CalibrationOp, bytes: Double) -> OperatorEstimate {
    guard tensor > 1, bytes > 0 else { return .zero }
    // The engine's custom kernel takes every in-node all-reduce it can (vLLM
    // 0.8.5 CustomAllreduce.should_custom_ar: full NVLink, under max_size);
    // measured NCCL times do not describe it.
    if op == .allReduce, let t = tensorGroup.customAllReduce(bytes: bytes) {
      return tensorGroup.estimate(t)
    }
    let family = MeasurementTable.Family(op: op, dtype: .bf16, a: tensor)
    let work = OperatorWork(flops: 0, bytes: bytes, size: bytes)
    if let calibration, let (t, source) = calibration.seconds(family, work: work) {
      return OperatorEstimate(
        seconds: t, flops: 0, bytes: 0, sources: SourceSeconds(t, from: source))
    }
    return tensorGroup.estimate(tensorGroup.seconds(op, bytes: bytes))
  }

  /// The family of an attention operator on this tensor-parallel rank.
  func attentionFamily(_ op: CalibrationOp) -> MeasurementTable.Family {
    MeasurementTable.Family(
      op: op, dtype: precision.activations == .fp32 ? .fp32 : .bf16,
      a: Int(headsPerRank.rounded()), b: Int(kvHeadsPerRank.rounded()), c: model.headDim)
  }
}

extension CommGroup {
  /// The alpha–beta time of a collective `op` of `bytes` per rank, in seconds
  /// (`.sendRecv` over the intra-node link; 0 for a kernel).
  public func seconds(_ op: CalibrationOp, bytes: Double) -> Double {
    switch op {
    case .allReduce: allReduce(bytes: bytes)
    case .allGather: allGather(bytes: bytes)
    case .reduceScatter: reduceScatter(bytes: bytes)
    case .allToAll: allToAll(bytes: bytes)
    case .sendRecv: CommGroup.sendRecv(bytes: bytes, link: nodes > 1 ? inter : intra)
    default: 0
    }
  }
}
