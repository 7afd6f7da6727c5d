/// AUROC, AP, F1-max and (for pixel rankings) AUPRO from one sweep of a ranking.
public struct RankingMetrics: Sendable, Equatable {
    /// Area under the ROC curve (exact ties).
    public var auroc: Double
    /// Step-wise average precision.
    public var averagePrecision: Double
    /// Best F1 over all thresholds.
    public var f1Max: F1Max
    /// Exact AUPRO up to the FPR limit; nil for rankings without ground-truth regions (images).
    public var aupro: Double?

    /// Sweeps `ranking` once. Throws `MetricError.singleClass` when a class is missing.
    public init(_ ranking: Ranking, fprLimit: Double = AUPRO.defaultFPRLimit) throws {
        try ranking.requireBothClasses(metric: "AUROC, AP and F1-max")
        guard fprLimit > 0, fprLimit <= 1 else { throw MetricError.invalidFPRLimit(fprLimit) }
        var roc = ROCArea(), precision = PrecisionArea(), f1 = F1Search(positives: ranking.positives)
        var pro = ranking.regionCount > 0
            ? PROArea(limit: fprLimit, normals: ranking.negatives, regions: ranking.regionCount) : nil
        ranking.sweep { point in
            roc.add(point)
            precision.add(point)
            f1.add(point)
            pro?.add(point)
        }
        auroc = roc.value(positives: ranking.positives, negatives: ranking.negatives)
        averagePrecision = precision.value(positives: ranking.positives)
        f1Max = f1.best
        aupro = pro?.value
    }
}
