/// The best F1 score over all thresholds and the threshold reaching it.
public struct F1Max: Sendable, Equatable {
    /// max over thresholds of 2 P R / (P + R).
    public var value: Double
    /// The highest threshold reaching `value` (scores >= threshold are called anomalous).
    public var threshold: Float
    /// Precision at `threshold`.
    public var precision: Double
    /// Recall at `threshold`.
    public var recall: Double

    /// F1-max of scores [N] against labels [N] (true = anomalous). Throws when a class is missing.
    public static func compute(scores: [Float], labels: [Bool]) throws -> F1Max {
        try compute(Ranking(scores: scores, labels: labels))
    }

    /// F1-max of a ranking. Throws when a class is missing.
    public static func compute(_ ranking: Ranking) throws -> F1Max {
        try ranking.requireBothClasses(metric: "F1-max")
        var search = F1Search(positives: ranking.positives)
        ranking.sweep { search.add($0) }
        return search.best
    }
}

/// Keeps the best F1 over the operating points of a sweep (the first, i.e. highest, threshold on ties).
///
/// A point merging several scores (a bin, from (tp0, fp0) to (tp1, fp1)) hides the thresholds inside it,
/// whose F1 is at most 2 tp1 / (tp1 + fp0 + P); the best F1 of the exact ranking is never below `best`
/// and at most `errorBound` above it.
struct F1Search {
    private let positives: Int
    private(set) var best = F1Max(value: 0, threshold: .infinity, precision: 0, recall: 0)
    private var previousFalsePositives = 0
    private var hiddenBest = 0.0

    init(positives: Int) { self.positives = positives }

    mutating func add(_ point: OperatingPoint) {
        // F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (TP + FP + P).
        let f1 = 2 * Double(point.truePositives) / Double(point.truePositives + point.falsePositives + positives)
        if f1 > best.value {
            best = F1Max(
                value: f1, threshold: point.threshold,
                precision: Double(point.truePositives) / Double(point.truePositives + point.falsePositives),
                recall: Double(point.truePositives) / Double(positives))
        }
        if point.mergesScores {
            let highest = 2 * Double(point.truePositives) / Double(point.truePositives + previousFalsePositives + positives)
            hiddenBest = max(hiddenBest, highest)
        }
        previousFalsePositives = point.falsePositives
    }

    var errorBound: Double { max(0, hiddenBest - best.value) }
}
