/// Collects anomaly maps and ground-truth masks image by image for the pixel-level metrics of a category.
///
/// Up to `exactPixelLimit` pixels, each pixel is stored as one 64-bit word (score order key, region id)
/// and `finish()` sorts them: exact metrics, 8 bytes per pixel while collecting and 16 at the sort
/// (300 maps of 256x256: about 315 MB; the default limit of 2^26 pixels: 1 GiB). Beyond the limit the
/// words collected so far, and every later pixel, are counted in the 2^20 score bins of a histogram
/// instead (32 MiB whatever the number of images): the metrics are then computed at exact operating
/// points on a grid of 2^11 thresholds per power of two, and `RankingMetrics.errorBound` says how far
/// each can be from the exact value. Regions are the 8-connected components of each mask.
public struct PixelAccumulator: Sendable {
    /// Pixels ranked exactly unless told otherwise: 2^26, 1,024 maps of 256x256 (every category of
    /// MVTec AD and VisA).
    public static let defaultExactPixelLimit = 1 << 26

    /// Pixels up to which the metrics are exact; past it the pixels are counted in score bins.
    public let exactPixelLimit: Int
    /// Words of the exact path: key << 32 | region id (0 = normal), ids numbered across images.
    private var words: [UInt64] = []
    /// Area of each region id of the exact path; index 0 (normal pixels) unused.
    private var regionAreas: [Int] = [0]
    /// The score bins, once the pixels exceed `exactPixelLimit`.
    private var histogram: ScoreHistogram?
    /// Images added so far.
    public private(set) var imageCount = 0
    /// Anomalous (mask nonzero) pixels added so far.
    public private(set) var anomalousPixels = 0
    /// Normal pixels added so far.
    public private(set) var normalPixels = 0
    /// Ground-truth regions (8-connected components) found so far.
    public private(set) var regionCount = 0

    /// An empty accumulator; `reservingPixels` (up to `exactPixelLimit`) avoids regrowth when the total is known.
    public init(reservingPixels: Int = 0, exactPixelLimit: Int = defaultExactPixelLimit) {
        self.exactPixelLimit = exactPixelLimit
        words.reserveCapacity(min(reservingPixels, exactPixelLimit))
    }

    /// False once the pixels exceed `exactPixelLimit` and are counted in score bins.
    public var isExact: Bool { histogram == nil }

    /// Bytes held for the pixels: the exact path's buffers (by capacity), or the score bins.
    public var storedBytes: Int {
        (words.capacity + regionAreas.capacity) * 8 + (histogram == nil ? 0 : ScoreHistogram.byteCount)
    }

    /// Adds one anomaly map [H, W] and its mask [H, W] (nonzero = anomalous; nil = all normal).
    /// - Throws: `MetricError` naming the image (by its index among the added ones) for a wrong length or a NaN.
    public mutating func add(map: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<UInt8>?, height: Int, width: Int) throws {
        let image = imageCount
        let pixelCount = height * width
        guard height > 0, width > 0 else { throw MetricError.empty(argument: "maps[\(image)] (\(height)x\(width))") }
        guard map.count == pixelCount else {
            throw MetricError.lengthMismatch(argument: "maps[\(image)]", expected: pixelCount, got: map.count)
        }
        if let mask, mask.count != pixelCount {
            throw MetricError.lengthMismatch(argument: "masks[\(image)]", expected: pixelCount, got: mask.count)
        }
        if let index = map.firstIndex(where: { $0.isNaN }) {
            throw MetricError.notANumber(argument: "maps[\(image)]", index: index)
        }
        let (labels, areas) = mask.map { ConnectedComponents.label(mask: $0, height: height, width: width) } ?? ([], [])
        let binned = histogram != nil || normalPixels + anomalousPixels + pixelCount > exactPixelLimit
        // The exact path numbers regions across images; the bins need only this image's areas.
        let firstRegion = binned ? 1 : regionAreas.count
        guard firstRegion + areas.count <= Int(UInt32.max) else {
            throw MetricError.tooManyRegions(firstRegion + areas.count)
        }
        if binned && histogram == nil { moveToBins() }
        if labels.isEmpty {
            store(map.lazy.map { UInt64(ScoreKey.descending($0)) << 32 }, areas: areas)
        } else {
            let offset = UInt64(firstRegion - 1)
            labels.withUnsafeBufferPointer { labels in
                store((0..<pixelCount).lazy.map { pixel in
                    let label = UInt64(labels[pixel])
                    return UInt64(ScoreKey.descending(map[pixel])) << 32 | (label == 0 ? 0 : label + offset)
                }, areas: areas)
            }
        }
        let anomalous = areas.reduce(0, +)
        regionCount += areas.count
        anomalousPixels += anomalous
        normalPixels += pixelCount - anomalous
        imageCount += 1
    }

    /// Adds one anomaly map [H, W] and its mask [H, W] (nonzero = anomalous; nil = all normal).
    public mutating func add(map: [Float], mask: [UInt8]?, height: Int, width: Int) throws {
        try map.withUnsafeBufferPointer { mapBuffer in
            if let mask {
                try mask.withUnsafeBufferPointer { try add(map: mapBuffer, mask: $0, height: height, width: width) }
            } else {
                try add(map: mapBuffer, mask: nil, height: height, width: width)
            }
        }
    }

    /// Keeps one image's words (region ids from `regionAreas.count` on the exact path, from 1 in the bins).
    private mutating func store(_ imageWords: some Sequence<UInt64>, areas: [Int]) {
        if histogram != nil {
            histogram!.add(words: imageWords, regionAreas: [0] + areas)
        } else {
            words.append(contentsOf: imageWords)
            regionAreas.append(contentsOf: areas)
        }
    }

    /// Counts the words collected so far in score bins and frees them.
    private mutating func moveToBins() {
        histogram = ScoreHistogram()
        histogram!.add(words: words, regionAreas: regionAreas)
        words = []
        regionAreas = []
    }

    /// Sorts the collected pixels into a ranking (or hands over the score bins) and leaves the accumulator
    /// empty, so the sort works in place (no second copy of the pixels) unless a copy of this accumulator
    /// still shares them.
    public mutating func finish() -> Ranking {
        let ranking: Ranking
        if let histogram {
            ranking = Ranking(histogram: histogram, regionCount: regionCount, positives: anomalousPixels, negatives: normalPixels)
        } else {
            var taken: [UInt64] = []
            swap(&taken, &words)
            ranking = Ranking(unsortedWords: consume taken, regionAreas: regionAreas,
                              positives: anomalousPixels, negatives: normalPixels)
        }
        self = PixelAccumulator(exactPixelLimit: exactPixelLimit)
        return ranking
    }
}
