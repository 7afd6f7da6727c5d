/// Area under the ROC curve, accumulated over the operating points of a sweep.
///
/// The trapezoid over each tied run is exactly the Mann-Whitney U statistic with ties counted 1/2,
/// divided by P N (sklearn's `roc_auc_score`). Accumulated in integers: Σ Δfp (tp + tp_prev) = 2 U.
/// A point merging several scores (a bin) hides the order of its Δfp normal and Δtp anomalous items: the
/// exact area of its box lies anywhere in [0, Δfp Δtp] while the trapezoid counts half, so the error
/// bound is Σ Δfp Δtp / (2 P N) over those points.
struct ROCArea {
    private var previous = (truePositives: 0, falsePositives: 0)
    private var doubledArea: UInt64 = 0
    private var mergedBoxes: UInt64 = 0

    mutating func add(_ point: OperatingPoint) {
        let width = UInt64(point.falsePositives - previous.falsePositives)
        doubledArea += width * UInt64(point.truePositives + previous.truePositives)
        if point.mergesScores { mergedBoxes += width * UInt64(point.truePositives - previous.truePositives) }
        previous = (point.truePositives, point.falsePositives)
    }

    func value(positives: Int, negatives: Int) -> Double {
        Double(doubledArea) / (2 * Double(positives) * Double(negatives))
    }

    func errorBound(positives: Int, negatives: Int) -> Double {
        Double(mergedBoxes) / (2 * Double(positives) * Double(negatives))
    }
}

/// The area under the receiver operating characteristic, with exact tie handling.
public enum AUROC {
    /// AUROC of scores [N] against labels [N] (true = anomalous). Throws when a class is missing.
    public static func value(scores: [Float], labels: [Bool]) throws -> Double {
        try value(Ranking(scores: scores, labels: labels))
    }

    /// AUROC of a ranking. Throws when a class is missing.
    public static func value(_ ranking: Ranking) throws -> Double {
        try ranking.requireBothClasses(metric: "AUROC")
        var area = ROCArea()
        ranking.sweep { area.add($0) }
        return area.value(positives: ranking.positives, negatives: ranking.negatives)
    }

    /// The ROC curve (FPR, TPR), one point per distinct score after the start (0, 0).
    /// - Parameter resolution: drop points that move less than this on both axes (0 keeps all).
    public static func curve(scores: [Float], labels: [Bool], resolution: Double = 0) throws -> Curve {
        try curve(Ranking(scores: scores, labels: labels), resolution: resolution)
    }

    /// The ROC curve of a ranking; see `curve(scores:labels:resolution:)`.
    public static func curve(_ ranking: Ranking, resolution: Double = 0) throws -> Curve {
        try ranking.requireBothClasses(metric: "ROC")
        var recorder = CurveRecorder(
            Curve(name: "ROC", xLabel: "false positive rate", yLabel: "true positive rate",
                  x: [0], y: [0], thresholds: [.infinity]),
            resolution: resolution)
        let positives = Double(ranking.positives), negatives = Double(ranking.negatives)
        ranking.sweep { point in
            recorder.add(x: Double(point.falsePositives) / negatives, y: Double(point.truePositives) / positives,
                         threshold: point.threshold)
        }
        return recorder.finished
    }
}
