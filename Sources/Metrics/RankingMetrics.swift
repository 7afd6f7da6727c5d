/// AUROC, AP, F1-max and (for pixel rankings) AUPRO from one sweep of a ranking.
public struct RankingMetrics: Sendable, Equatable {
    /// Area under the ROC curve (exact ties).
    public var auroc: Double
    /// Step-wise average precision.
    public var averagePrecision: Double
    /// Best F1 over all thresholds.
    public var f1Max: F1Max
    /// AUPRO up to the FPR limit; nil for rankings without ground-truth regions (images).
    public var aupro: Double?
    /// How far each value can be from the metric of the items ranked one by one: all 0 for an exact
    /// ranking and for bins that each hold one distinct score.
    public var errorBound: ErrorBound

    /// The largest possible distance of each metric of a binned ranking from the exact one, over every
    /// order the items merged into one bin can have (see `OperatingPoint.mergesScores`).
    public struct ErrorBound: Sendable, Equatable {
        /// |AUROC - exact| <= this.
        public var auroc: Double
        /// |AP - exact| <= this.
        public var averagePrecision: Double
        /// F1-max <= exact <= F1-max + this.
        public var f1Max: Double
        /// |AUPRO - exact| <= this; nil without regions.
        public var aupro: Double?
    }

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
        errorBound = ErrorBound(
            auroc: roc.errorBound(positives: ranking.positives, negatives: ranking.negatives),
            averagePrecision: precision.errorBound(positives: ranking.positives), f1Max: f1.errorBound,
            aupro: pro?.errorBound)
    }
}
