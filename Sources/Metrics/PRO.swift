/// Area under the PRO curve up to an FPR limit, accumulated over the operating points of a sweep
/// (MVTec AD's official `compute_pro` + `trapezoid`): start at (0, 0), trapezoids while FPR <= limit,
/// then the part up to exactly `limit` with PRO linearly interpolated; divided by `limit`.
/// A point merging several scores (a bin) hides the curve between its ends, which stays in the box they
/// span (both rates only grow): the trapezoid is off by at most ΔFPR ΔPRO / 2, and the piece crossing the
/// limit by (limit - FPR0) ΔPRO; their sum over such points, divided by `limit`, is the error bound.
struct PROArea {
    private let limit: Double
    private let normals: Double
    private let regions: Double
    private var previous = (fpr: 0.0, pro: 0.0)
    private var area = 0.0
    private var slack = 0.0
    private var reachedLimit = false

    init(limit: Double, normals: Int, regions: Int) {
        self.limit = limit
        self.normals = Double(normals)
        self.regions = Double(regions)
    }

    mutating func add(_ point: OperatingPoint) {
        guard !reachedLimit else { return }
        let fpr = Double(point.falsePositives) / normals
        let pro = min(1, point.regionOverlap / regions)
        if fpr <= limit {
            area += (fpr - previous.fpr) * (pro + previous.pro) / 2
            if point.mergesScores { slack += (fpr - previous.fpr) * (pro - previous.pro) / 2 }
            previous = (fpr, pro)
        } else {
            let proAtLimit = previous.pro + (pro - previous.pro) * (limit - previous.fpr) / (fpr - previous.fpr)
            area += (limit - previous.fpr) * (proAtLimit + previous.pro) / 2
            if point.mergesScores { slack += (limit - previous.fpr) * (pro - previous.pro) }
            reachedLimit = true
        }
    }

    var value: Double { area / limit }

    var errorBound: Double { slack / limit }
}

/// Area under the per-region-overlap curve (AUPRO), exactly as MVTec AD defines it.
///
/// Regions are the 8-connected components of each mask; every distinct score is a threshold (tied scores
/// are one point); FPR = false positives / all normal pixels of the category; PRO = mean over all regions
/// of the fraction of the region at or above the threshold. The curve is integrated by trapezoids from
/// FPR 0 to exactly `fprLimit` (PRO interpolated linearly there) and divided by `fprLimit`.
/// One sort of all pixels, O(P log P) in general and O(P) here (radix sort).
public enum AUPRO {
    /// The customary integration limit.
    public static let defaultFPRLimit = 0.3

    /// Exact AUPRO of maps [N, H, W] against masks [N, H, W] (nonzero = anomalous), both flat.
    public static func value(maps: [Float], masks: [UInt8], count: Int, height: Int, width: Int,
                             fprLimit: Double = defaultFPRLimit) throws -> Double {
        try value(ranking(maps: maps, masks: masks, count: count, height: height, width: width), fprLimit: fprLimit)
    }

    /// AUPRO of a pixel ranking (see `PixelAccumulator`): exact, or for a binned ranking within
    /// `RankingMetrics.errorBound.aupro` of the exact value.
    public static func value(_ ranking: Ranking, fprLimit: Double = defaultFPRLimit) throws -> Double {
        try validate(ranking, fprLimit: fprLimit)
        var area = PROArea(limit: fprLimit, normals: ranking.negatives, regions: ranking.regionCount)
        ranking.sweep { area.add($0) }
        return area.value
    }

    /// The PRO curve (FPR, PRO) from (0, 0), one point per distinct score while FPR <= `fprLimit`,
    /// ending with the interpolated point at exactly `fprLimit` (when the curve crosses it).
    /// - Parameter resolution: drop points that move less than this on both axes (0 keeps all).
    public static func curve(_ ranking: Ranking, fprLimit: Double = defaultFPRLimit, resolution: Double = 0) throws -> Curve {
        try validate(ranking, fprLimit: fprLimit)
        var recorder = CurveRecorder(
            Curve(name: "PRO", xLabel: "false positive rate", yLabel: "per-region overlap",
                  x: [0], y: [0], thresholds: [.infinity]),
            resolution: resolution)
        let normals = Double(ranking.negatives), regions = Double(ranking.regionCount)
        var previous = (fpr: 0.0, pro: 0.0)
        var reachedLimit = false
        ranking.sweep { point in
            guard !reachedLimit else { return }
            let fpr = Double(point.falsePositives) / normals
            let pro = min(1, point.regionOverlap / regions)
            if fpr <= fprLimit {
                recorder.add(x: fpr, y: pro, threshold: point.threshold)
                previous = (fpr, pro)
            } else {
                if previous.fpr < fprLimit {
                    let proAtLimit = previous.pro + (pro - previous.pro) * (fprLimit - previous.fpr) / (fpr - previous.fpr)
                    recorder.add(x: fprLimit, y: proAtLimit, threshold: point.threshold)
                }
                reachedLimit = true
            }
        }
        return recorder.finished
    }

    /// APPROXIMATION, not the official definition: the 200-threshold AUPRO found in many research
    /// repositories (`cal_pro_score` of DRAEM/UniAD and descendants). Thresholds min + i (max - min) / n
    /// for i in 0..<n, a pixel is positive when its score is > threshold, only points with FPR < `fprLimit`
    /// are kept, their FPRs are min-max rescaled to [0, 1] and the curve integrated by trapezoids.
    /// Returns nil when fewer than two distinct FPRs fall below the limit (the rescaling is undefined).
    public static func sampledApproximation(_ ranking: Ranking, thresholdCount: Int = 200,
                                            fprLimit: Double = defaultFPRLimit) throws -> Double? {
        try validate(ranking, fprLimit: fprLimit)
        guard thresholdCount >= 2 else { throw MetricError.invalidThresholdCount(thresholdCount) }
        var highest = -Double.infinity, lowest = Double.infinity
        ranking.sweep { point in
            highest = max(highest, Double(point.threshold))
            lowest = min(lowest, Double(point.threshold))
        }
        let step = (highest - lowest) / Double(thresholdCount)
        let thresholds = (0..<thresholdCount).map { lowest + Double($0) * step }
        // Counts of scores > thresholds[i], filled from the highest threshold down during one sweep.
        var sampled = [OperatingPoint?](repeating: nil, count: thresholdCount)
        var next = thresholdCount - 1
        var above = OperatingPoint(threshold: .infinity, truePositives: 0, falsePositives: 0, regionOverlap: 0)
        ranking.sweep { point in
            while next >= 0 && Double(point.threshold) <= thresholds[next] {
                sampled[next] = above
                next -= 1
            }
            above = point
        }
        while next >= 0 { sampled[next] = above; next -= 1 }
        let normals = Double(ranking.negatives), regions = Double(ranking.regionCount)
        let points = sampled.compactMap { $0 }
            .map { (fpr: Double($0.falsePositives) / normals, pro: $0.regionOverlap / regions) }
            .filter { $0.fpr < fprLimit }
            .sorted { ($0.fpr, $0.pro) < ($1.fpr, $1.pro) }
        guard let first = points.first, let last = points.last, last.fpr > first.fpr else { return nil }
        let range = last.fpr - first.fpr
        return zip(points, points.dropFirst()).reduce(0) { sum, pair in
            sum + (pair.1.fpr - pair.0.fpr) / range * (pair.1.pro + pair.0.pro) / 2
        }
    }

    /// Collects flat maps [N, H, W] and masks [N, H, W] into an exact pixel ranking (the caller holds them all anyway).
    static func ranking(maps: [Float], masks: [UInt8], count: Int, height: Int, width: Int) throws -> Ranking {
        let pixels = count * height * width
        guard maps.count == pixels else { throw MetricError.lengthMismatch(argument: "maps", expected: pixels, got: maps.count) }
        guard masks.count == pixels else { throw MetricError.lengthMismatch(argument: "masks", expected: pixels, got: masks.count) }
        var accumulator = PixelAccumulator(reservingPixels: pixels, exactPixelLimit: .max)
        try maps.withUnsafeBufferPointer { mapBuffer in
            try masks.withUnsafeBufferPointer { maskBuffer in
                for image in 0..<count {
                    let range = image * height * width ..< (image + 1) * height * width
                    try accumulator.add(map: UnsafeBufferPointer(rebasing: mapBuffer[range]),
                                        mask: UnsafeBufferPointer(rebasing: maskBuffer[range]), height: height, width: width)
                }
            }
        }
        return accumulator.finish()
    }

    private static func validate(_ ranking: Ranking, fprLimit: Double) throws {
        guard fprLimit > 0, fprLimit <= 1 else { throw MetricError.invalidFPRLimit(fprLimit) }
        guard ranking.regionCount > 0 else { throw MetricError.noRegions }
        guard ranking.negatives > 0 else { throw MetricError.noNormalPixels }
    }
}
