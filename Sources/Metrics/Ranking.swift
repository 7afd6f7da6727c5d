/// One threshold of a ranking: every score >= `threshold` is called anomalous.
public struct OperatingPoint: Sendable, Equatable {
    /// The score threshold (a distinct score of the input).
    public var threshold: Float
    /// Anomalous items (images or pixels) scoring >= threshold.
    public var truePositives: Int
    /// Normal items scoring >= threshold.
    public var falsePositives: Int
    /// Sum over ground-truth regions of (region pixels >= threshold) / (region area); 0 without regions.
    public var regionOverlap: Double
}

/// Items sorted once by descending score, swept one distinct score (one operating point) at a time.
///
/// Each item is a 64-bit word: the score's order key in the high half and a region id in the low half
/// (0 = normal, > 0 = anomalous; for image rankings every anomalous item has id 1).
public struct Ranking: Sendable {
    private let words: [UInt64]
    /// Weight 1 / area of each region id (index 0 unused); empty when the items carry no regions.
    private let regionWeights: [Double]
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
        self.words = unsortedWords
        self.regionWeights = regionAreas.map { $0 > 0 ? 1 / Double($0) : 0 }
        self.positives = positives
        self.negatives = negatives
        self.regionCount = max(0, regionAreas.count - 1)
    }

    /// Number of ranked items.
    public var count: Int { words.count }

    /// Calls `visit` once per distinct score, from the highest to the lowest, with cumulative counts.
    public func sweep(_ visit: (OperatingPoint) -> Void) {
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

    /// Throws unless both classes are present.
    func requireBothClasses(metric: String) throws {
        guard positives > 0, negatives > 0 else {
            throw MetricError.singleClass(metric: metric, positives: positives, negatives: negatives)
        }
    }
}
