/// Collects anomaly maps and ground-truth masks image by image for the pixel-level metrics of a category.
///
/// Each pixel is stored as one 64-bit word (score order key, region id), 8 bytes per pixel; `finish()`
/// sorts them in place with a scratch buffer of the same size (16 bytes per pixel at peak), so 300 maps
/// of 256x256 need about 315 MB. Regions are the 8-connected components of each mask, numbered across
/// images.
public struct PixelAccumulator: Sendable {
    private var words: [UInt64] = []
    /// Area of each region id; index 0 (normal pixels) unused.
    private var regionAreas: [Int] = [0]
    /// Images added so far.
    public private(set) var imageCount = 0
    /// Anomalous (mask nonzero) pixels added so far.
    public private(set) var anomalousPixels = 0
    /// Normal pixels added so far.
    public private(set) var normalPixels = 0

    /// An empty accumulator; `reservingPixels` avoids regrowth when the total is known.
    public init(reservingPixels: Int = 0) {
        words.reserveCapacity(reservingPixels)
    }

    /// Ground-truth regions (8-connected components) found so far.
    public var regionCount: Int { regionAreas.count - 1 }

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
        let firstRegion = regionAreas.count
        guard firstRegion + areas.count <= Int(UInt32.max) else {
            throw MetricError.tooManyRegions(firstRegion + areas.count)
        }
        let anomalous = areas.reduce(0, +)
        if labels.isEmpty {
            words.append(contentsOf: map.lazy.map { UInt64(ScoreKey.descending($0)) << 32 })
        } else {
            let offset = UInt64(firstRegion - 1)
            labels.withUnsafeBufferPointer { labels in
                words.append(contentsOf: (0..<pixelCount).lazy.map { pixel in
                    let label = UInt64(labels[pixel])
                    return UInt64(ScoreKey.descending(map[pixel])) << 32 | (label == 0 ? 0 : label + offset)
                })
            }
        }
        regionAreas.append(contentsOf: areas)
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

    /// Sorts the collected pixels into a ranking and leaves the accumulator empty, so the sort works in
    /// place (no second copy of the pixels) unless a copy of this accumulator still shares them.
    public mutating func finish() -> Ranking {
        var taken: [UInt64] = []
        swap(&taken, &words)
        let ranking = Ranking(unsortedWords: consume taken, regionAreas: regionAreas,
                              positives: anomalousPixels, negatives: normalPixels)
        self = PixelAccumulator()
        return ranking
    }
}
