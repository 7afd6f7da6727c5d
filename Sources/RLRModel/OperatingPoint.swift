/// What calibrated thresholds decide on a category's test images: image-level, and pixel-level
/// when every anomalous image has a mask.
public struct OperatingPoint: Sendable, Equatable {
    public var imageThreshold: Float
    public var pixelThreshold: Float
    public var image = Counts()
    public var pixel: Counts?

    public init(_ calibration: CategoryCalibration, pixels: Bool) {
        imageThreshold = calibration.imageThreshold
        pixelThreshold = calibration.pixelThreshold
        pixel = pixels ? Counts() : nil
    }

    /// Decisions against ground truth.
    public struct Counts: Sendable, Equatable {
        public var truePositives = 0, falsePositives = 0, positives = 0, negatives = 0

        mutating func add(flagged: Bool, anomalous: Bool) {
            if anomalous { positives += 1; if flagged { truePositives += 1 } } else { negatives += 1; if flagged { falsePositives += 1 } }
        }

        /// Flagged normal items / normal items (nil without normal items).
        public var fpr: Double? { negatives == 0 ? nil : Double(falsePositives) / Double(negatives) }
        /// Flagged anomalous items / anomalous items (nil without anomalous items).
        public var tpr: Double? { positives == 0 ? nil : Double(truePositives) / Double(positives) }
        /// Anomalous among the flagged (nil when nothing was flagged).
        public var precision: Double? {
            truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
        }
    }

    /// Counts one test image: its score, and (for pixel counts) its unsmoothed map and 0/1 mask.
    mutating func add(score: Float, anomalous: Bool, map: UnsafeBufferPointer<Float>, mask: [UInt8]) {
        image.add(flagged: score > imageThreshold, anomalous: anomalous)
        guard pixel != nil else { return }
        var counts = pixel!
        for i in map.indices { counts.add(flagged: map[i] > pixelThreshold, anomalous: mask[i] != 0) }
        pixel = counts
    }
}
