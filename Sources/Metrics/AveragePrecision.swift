/// Step-wise average precision, accumulated over the operating points of a sweep:
/// AP = Σ_k (R_k - R_{k-1}) P_k, no interpolation (sklearn's `average_precision_score`).
/// A point merging several scores (a bin, from (tp0, fp0) to (tp1, fp1)) hides the thresholds inside it:
/// its anomalous items may have been found at any precision from (tp0 + 1) / (tp0 + 1 + fp1) to
/// tp1 / (tp1 + fp0), so the error bound is Σ Δtp (highest - lowest) / P over those points.
struct PrecisionArea {
    private var previous = (truePositives: 0, falsePositives: 0)
    private var sum = 0.0
    private var slack = 0.0

    mutating func add(_ point: OperatingPoint) {
        let gained = point.truePositives - previous.truePositives
        if gained > 0 {
            sum += Double(gained) * Double(point.truePositives) / Double(point.truePositives + point.falsePositives)
            if point.mergesScores {
                let highest = Double(point.truePositives) / Double(point.truePositives + previous.falsePositives)
                let lowest = Double(previous.truePositives + 1) / Double(previous.truePositives + 1 + point.falsePositives)
                slack += Double(gained) * (highest - lowest)
            }
        }
        previous = (point.truePositives, point.falsePositives)
    }

    func value(positives: Int) -> Double { sum / Double(positives) }

    func errorBound(positives: Int) -> Double { slack / Double(positives) }
}

/// Average precision (area under the step-wise precision-recall curve).
public enum AveragePrecision {
    /// AP of scores [N] against labels [N] (true = anomalous). Throws when a class is missing.
    public static func value(scores: [Float], labels: [Bool]) throws -> Double {
        try value(Ranking(scores: scores, labels: labels))
    }

    /// AP of a ranking. Throws when a class is missing.
    public static func value(_ ranking: Ranking) throws -> Double {
        try ranking.requireBothClasses(metric: "AP")
        var area = PrecisionArea()
        ranking.sweep { area.add($0) }
        return area.value(positives: ranking.positives)
    }

    /// The precision-recall curve (recall, precision), one point per distinct score, highest score first.
    /// - Parameter resolution: drop points that move less than this on both axes (0 keeps all).
    public static func curve(scores: [Float], labels: [Bool], resolution: Double = 0) throws -> Curve {
        try curve(Ranking(scores: scores, labels: labels), resolution: resolution)
    }

    /// The precision-recall curve of a ranking; see `curve(scores:labels:resolution:)`.
    public static func curve(_ ranking: Ranking, resolution: Double = 0) throws -> Curve {
        try ranking.requireBothClasses(metric: "precision-recall curve")
        var recorder = CurveRecorder(Curve(name: "Precision-recall", xLabel: "recall", yLabel: "precision"),
                                     resolution: resolution)
        let positives = Double(ranking.positives)
        ranking.sweep { point in
            let called = Double(point.truePositives + point.falsePositives)
            recorder.add(x: Double(point.truePositives) / positives, y: Double(point.truePositives) / called,
                         threshold: point.threshold)
        }
        return recorder.finished
    }
}
