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

    /// The entry of `category`, or the pooled one when no category is given.
    public func entry(for category: String?) -> CategoryCalibration? {
        categories[category ?? Calibration.pooled]
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

    /// The operating point of normal image scores and normal pixel values at a false-alarm rate.
    public init(imageScores: [Float], pixels: [Float], fpr: Double) {
        let sorted = imageScores.sorted()
        self.init(images: imageScores.count, scoreMedian: CategoryCalibration.quantile(sorted, 0.5),
                  imageThreshold: CategoryCalibration.threshold(sorted: sorted, fpr: fpr),
                  pixelThreshold: CategoryCalibration.threshold(sorted: pixels.sorted(), fpr: fpr))
    }

    /// The score on a scale where the median normal image is 0 and the image threshold is 1.
    public func normalized(_ score: Float) -> Float {
        (score - scoreMedian) / Swift.max(imageThreshold - scoreMedian, Float.leastNormalMagnitude)
    }

    public func isAnomalous(_ score: Float) -> Bool { score > imageThreshold }

    /// The smallest value of `sorted` (ascending, non-empty) with at most `fpr` of the values above it.
    static func threshold(sorted: [Float], fpr: Double) -> Float {
        let n = sorted.count
        return sorted[Swift.min(Swift.max(0, Int((Double(n - 1) - fpr * Double(n)).rounded(.up))), n - 1)]
    }

    /// The `q` quantile of ascending `sorted` (linear interpolation, as numpy's default).
    static func quantile(_ sorted: [Float], _ q: Double) -> Float {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + Float(position - Double(low)) * (sorted[high] - sorted[low])
    }
}
