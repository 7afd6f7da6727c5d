/// One threshold of a ranking: every score >= `threshold` is called anomalous.
public struct OperatingPoint: Sendable, Equatable {
    /// The score threshold (a distinct score of the input; for a binned ranking, the lowest in its bin).
    public var threshold: Float
    /// Anomalous items (images or pixels) scoring >= threshold.
    public var truePositives: Int
    /// Normal items scoring >= threshold.
    public var falsePositives: Int
    /// Sum over ground-truth regions of (region pixels >= threshold) / (region area); 0 without regions.
    public var regionOverlap: Double
    /// True when the point stands for several distinct scores counted in one bin (binned rankings only):
    /// the items between the previous point and this one may then be in any order.
    public var mergesScores = false
}

/// Items sorted once by descending score, swept one distinct score (one operating point) at a time; or,
/// for pixels beyond `PixelAccumulator.exactPixelLimit`, counted in score bins and swept one bin at a time.
///
/// Each sorted item is a 64-bit word: the score's order key in the high half and a region id in the low
/// half (0 = normal, > 0 = anomalous; for image rankings every anomalous item has id 1).
public struct Ranking: Sendable {
    private enum Items: Sendable {
        /// Words sorted by key, with the weight 1 / area of each region id (index 0 unused; empty when the
        /// items carry no regions).
        case sorted(words: [UInt64], regionWeights: [Double])
        case binned(ScoreHistogram)
    }

    private let items: Items
    /// Number of anomalous items.
    public let positives: Int
    /// Number of normal items.
    public let negatives: Int
    /// Number of ground-truth regions (0 for image rankings).
    public let regionCount: Int

    /// Ranks images by score; `labels[i]` is true when image i is anomalous.
    public init(scores: [Float], labels: [Bool]) throws {
        guard scores.count == labels.count else {
            throw MetricError.lengthMismatch(argument: "labels", expected: scores.count, got: labels.count)
        }
        guard !scores.isEmpty else { throw MetricError.empty(argument: "scores") }
        var words = [UInt64]()
        words.reserveCapacity(scores.count)
        for (index, score) in scores.enumerated() {
            guard !score.isNaN else { throw MetricError.notANumber(argument: "scores", index: index) }
            words.append(UInt64(ScoreKey.descending(score)) << 32 | (labels[index] ? 1 : 0))
        }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.init(unsortedWords: consume words, regionAreas: [], positives: positives, negatives: scores.count - positives)
    }

    /// Sorts the words in place (a copy is made when the caller still holds them).
    init(unsortedWords: consuming [UInt64], regionAreas: [Int], positives: Int, negatives: Int) {
        RadixSort.sortByHighWord(&unsortedWords)
        items = .sorted(words: unsortedWords, regionWeights: Self.regionWeights(areas: regionAreas))
        self.positives = positives
        self.negatives = negatives
        self.regionCount = max(0, regionAreas.count - 1)
    }

    /// Items counted in score bins.
    init(histogram: ScoreHistogram, regionCount: Int, positives: Int, negatives: Int) {
        items = .binned(histogram)
        self.positives = positives
        self.negatives = negatives
        self.regionCount = regionCount
    }

    /// Number of ranked items.
    public var count: Int { positives + negatives }

    /// False when the items were counted in score bins: the sweep then visits one operating point per bin
    /// and `RankingMetrics.errorBound` says how far each metric can be from the exact value.
    public var isExact: Bool {
        if case .sorted = items { return true }
        return false
    }

    /// Calls `visit` once per distinct score (once per bin for a binned ranking), from the highest to the
    /// lowest, with cumulative counts.
    public func sweep(_ visit: (OperatingPoint) -> Void) {
        switch items {
        case let .sorted(words, regionWeights): Self.sweep(words: words, regionWeights: regionWeights, visit)
        case let .binned(histogram): histogram.sweep(visit)
        }
    }

    private static func sweep(words: [UInt64], regionWeights: [Double], _ visit: (OperatingPoint) -> Void) {
        words.withUnsafeBufferPointer { items in
            regionWeights.withUnsafeBufferPointer { weights in
                let hasRegions = !weights.isEmpty
                var index = 0, truePositives = 0, falsePositives = 0
                var overlap = 0.0
                while index < items.count {
                    let key = items[index] >> 32
                    repeat {
                        let region = Int(truncatingIfNeeded: items[index] & 0xFFFF_FFFF)
                        if region == 0 {
                            falsePositives += 1
                        } else {
                            truePositives += 1
                            if hasRegions { overlap += weights[region] }
                        }
                        index += 1
                    } while index < items.count && items[index] >> 32 == key
                    visit(OperatingPoint(
                        threshold: ScoreKey.score(UInt32(truncatingIfNeeded: key)),
                        truePositives: truePositives, falsePositives: falsePositives, regionOverlap: overlap))
                }
            }
        }
    }

    /// The weight 1 / area of each region id; index 0 (normal items) weighs 0.
    static func regionWeights(areas: [Int]) -> [Double] {
        areas.map { $0 > 0 ? 1 / Double($0) : 0 }
    }

    /// Throws unless both classes are present.
    func requireBothClasses(metric: String) throws {
        guard positives > 0, negatives > 0 else {
            throw MetricError.singleClass(metric: metric, positives: positives, negatives: negatives)
        }
    }
}
