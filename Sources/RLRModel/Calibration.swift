import Foundation

/// Operating points of a model, chosen on held-out NORMAL images only (`model calibrate`), per
/// category and, when several were calibrated, for all of them together (`Calibration.pooled`).
public struct Calibration: Codable, Equatable, Sendable {
    /// The false-alarm rate the thresholds were chosen for.
    public var fpr: Double
    /// Where the normal images came from (the training hold-out or a folder).
    public var source: String
    public var categories: [String: CategoryCalibration]

    /// The key of the entry over every category's normal images.
    public static let pooled = "*"

    public init(fpr: Double, source: String, categories: [String: CategoryCalibration]) {
        self.fpr = fpr; self.source = source; self.categories = categories
    }
}

/// One category's operating point.
public struct CategoryCalibration: Codable, Equatable, Sendable {
    /// Normal images it was chosen on.
    public var images: Int
    /// Median image score of the normal images.
    public var scoreMedian: Float
    /// Image scores above this are anomalous: at most `fpr` of the normal images are.
    public var imageThreshold: Float
    /// Pixels of the unsmoothed map above this are anomalous: at most `fpr` of the normal pixels are.
    public var pixelThreshold: Float

    public init(images: Int, scoreMedian: Float, imageThreshold: Float, pixelThreshold: Float) {
        self.images = images; self.scoreMedian = scoreMedian; self.imageThreshold = imageThreshold; self.pixelThreshold = pixelThreshold
    }

    /// The operating point of normal image scores and of the normal pixels' threshold accumulator.
    public init(imageScores: [Float], pixels: ThresholdAccumulator, fpr: Double) {
        var scores = ThresholdAccumulator(count: imageScores.count, fpr: fpr)
        imageScores.withUnsafeBufferPointer { scores.add($0) }
        self.init(images: imageScores.count, scoreMedian: CategoryCalibration.quantile(imageScores.sorted(), 0.5),
                  imageThreshold: scores.threshold, pixelThreshold: pixels.threshold)
    }

    /// The score on a scale where the median normal image is 0 and the image threshold is 1.
    public func normalized(_ score: Float) -> Float {
        (score - scoreMedian) / scoreScale
    }

    /// What `normalized` divides by: the image threshold's distance above the median, at least a
    /// millionth of the scores' magnitude, so a threshold at (or, with a large `fpr`, below) the
    /// median still gives finite normalised scores.
    public var scoreScale: Float {
        Swift.max(imageThreshold - scoreMedian, 1e-6 * Swift.max(abs(scoreMedian), abs(imageThreshold), 1))
    }

    public func isAnomalous(_ score: Float) -> Bool { score > imageThreshold }

    /// The `q` quantile of ascending `sorted` (linear interpolation, as numpy's default).
    static func quantile(_ sorted: [Float], _ q: Double) -> Float {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + Float(position - Double(low)) * (sorted[high] - sorted[low])
    }
}

/// The false-alarm threshold of `count` values (known in advance) streamed in: the smallest value with
/// at most `fpr` of the values above it. Keeps only the values that can still be that high, at most
/// fpr * count + 1 of them (a min-heap), so memory does not grow with the number of normal pixels.
public struct ThresholdAccumulator: Sendable {
    public let count: Int
    let capacity: Int
    private var heap: [Float] = []
    private var seen = 0

    public init(count: Int, fpr: Double) {
        self.count = count
        capacity = Swift.max(1, Swift.min(count, Int((fpr * Double(count)).rounded(.down)) + 1))
        heap.reserveCapacity(capacity)
    }

    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        seen += values.count
        for v in values {
            if heap.count < capacity { push(v) } else if v > heap[0] { heap[0] = v; siftDown() }
        }
    }

    /// The threshold (once all `count` values were added).
    public var threshold: Float {
        precondition(seen == count && !heap.isEmpty, "threshold of \(seen) of \(count) values")
        return heap[0]
    }

    private mutating func push(_ v: Float) {
        heap.append(v)
        var i = heap.count - 1
        while i > 0, heap[(i - 1) / 2] > heap[i] { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
    }

    private mutating func siftDown() {
        var i = 0
        while true {
            let (l, r) = (2 * i + 1, 2 * i + 2)
            var smallest = i
            if l < heap.count, heap[l] < heap[smallest] { smallest = l }
            if r < heap.count, heap[r] < heap[smallest] { smallest = r }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }
}
