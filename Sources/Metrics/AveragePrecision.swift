/// Step-wise average precision, accumulated over the operating points of a sweep:
/// AP = Σ_k (R_k - R_{k-1}) P_k, no interpolation (sklearn's `average_precision_score`).
struct PrecisionArea {
    private var previousTruePositives = 0
    private var sum = 0.0

    mutating func add(_ point: OperatingPoint) {
        let gained = point.truePositives - previousTruePositives
        if gained > 0 {
            sum += Double(gained) * Double(point.truePositives) / Double(point.truePositives + point.falsePositives)
        }
        previousTruePositives = point.truePositives
    }

    func value(positives: Int) -> Double { sum / Double(positives) }
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
