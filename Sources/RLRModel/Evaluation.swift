import Datasets
import Foundation
import Metrics
import Tensors

/// Per-category evaluation of a detector on the test split of a dataset (the RLR protocol): maps on
/// the unsmoothed map against masks (NEAREST-resized, > 0.5 anomalous), image score = max of the
/// Gaussian-smoothed map; metrics per category, then their mean.
public struct Evaluation {
    public var report: EvaluationReport
    /// Seconds spent loading images and extracting features, and scoring (heads, maps, blur, metrics).
    public var featureSeconds: Double
    public var scoringSeconds: Double
    /// Per category, what the calibrated thresholds decide (empty when the model is not calibrated).
    public var operatingPoints: [String: OperatingPoint] = [:]
    /// Every test image with its score, in evaluation order.
    public var images: [(sample: Sample, score: Float)] = []

    /// The protocol, as stated next to every result.
    public static func protocolDescription(_ detector: Detector) -> String {
        "RLR protocol: \(detector.identity.imageSize)px, \(detector.identity.name) taps \(detector.identity.taps.joined(separator: ",")); "
            + "pixel metrics on the unsmoothed map; image score = max of the map smoothed by a Gaussian "
            + "(sigma \(detector.network.config.blurSigma), truncate 4); masks NEAREST, > 0.5 anomalous"
    }

    /// Evaluates every category of `dataset`'s test split.
    ///
    /// - Parameters:
    ///   - calibration: thresholds whose operating point to measure per category (from `model calibrate`).
    ///   - each: called with every test sample, its unsmoothed map `[S, S]` and image score (e.g. to save maps).
    ///   - preloaded: the split's batches already loaded by `preload` (nothing is read from disk then).
    public static func run(_ detector: Detector, on dataset: Dataset, batchSize: Int = 16,
                           calibration: Calibration? = nil, preloaded: Preloaded? = nil,
                           progress: (String, Int, Int) -> Void = { _, _, _ in }, shouldStop: () -> Bool = { false },
                           each: (Sample, Tensor, Float) throws -> Void = { _, _, _ in }) throws -> Evaluation {
        let test = dataset.subset(split: .test)
        var rows: [CategoryMetrics] = []
        var operatingPoints: [String: OperatingPoint] = [:]
        var images: [(sample: Sample, score: Float)] = []
        var featureSeconds = 0.0, scoringSeconds = 0.0
        let size = detector.identity.imageSize
        for category in test.categories {
            let indices = test.samples.indices.filter { test.samples[$0].category == category }
            let imageLevelOnly = indices.contains { test.samples[$0].label == .anomalous && test.samples[$0].maskPath == nil }
            var pixels = imageLevelOnly ? nil : PixelAccumulator(reservingPixels: indices.count * size * size)
            var scores: [Float] = [], labels: [Bool] = []
            var point = calibration?.categories[category].map { OperatingPoint($0, pixels: !imageLevelOnly) }
            for (position, chunk) in chunks(of: indices, batchSize: batchSize).enumerated() {
                var clock = Date()
                let batch = try preloaded?.batches[category]?[position] ?? load(chunk, of: test, detector: detector)
                featureSeconds += Date().timeIntervalSince(clock)
                clock = Date()
                let (maps, batchScores) = detector.score(tokens: batch.tokens)
                for (i, sample) in batch.samples.enumerated() {
                    let map = maps.sliced(axis: 0, i..<(i + 1)).squeezed(0).contiguous()
                    try each(sample, map, batchScores[i])
                    images.append((sample, batchScores[i]))
                    if pixels != nil || point != nil {
                        let mask = batch.masks.sliced(axis: 0, i..<(i + 1)).toArray().map { UInt8($0 > 0.5 ? 1 : 0) }
                        try map.withContiguousBuffer { buffer in
                            point?.add(score: batchScores[i], anomalous: sample.label == .anomalous, map: buffer, mask: mask)
                            if pixels != nil {
                                try mask.withUnsafeBufferPointer { try pixels!.add(map: buffer, mask: $0, height: size, width: size) }
                            }
                        }
                    }
                }
                scores += batchScores
                labels += batch.samples.map { $0.label == .anomalous }
                scoringSeconds += Date().timeIntervalSince(clock)
                progress(category, position * batchSize + chunk.count, indices.count)
                if shouldStop() { throw RLRError.interrupted }
            }
            let clock = Date()
            var row = try CategoryMetrics(category: category, imageScores: scores, imageLabels: labels, pixels: pixels?.finish())
            if imageLevelOnly { row.notes.append("anomalous images without masks: pixel metrics not computed (image-level labels only)") }
            rows.append(row)
            operatingPoints[category] = point
            scoringSeconds += Date().timeIntervalSince(clock)
        }
        let report = EvaluationReport(categories: rows, protocolDescription: protocolDescription(detector))
        return Evaluation(report: report, featureSeconds: featureSeconds, scoringSeconds: scoringSeconds, operatingPoints: operatingPoints,
                          images: images)
    }

    /// One batch of test images as the metrics need them: samples, masks `[B, S, S]` and tokens per level.
    public struct Batch {
        var samples: [Sample]
        var masks: Tensor
        var tokens: [Tensor]
    }

    /// A test split loaded once (images read, tokens extracted), to evaluate it again after every
    /// training epoch at the cost of the heads alone.
    public struct Preloaded {
        var batches: [String: [Batch]]
    }

    /// Reads `dataset`'s test split and extracts its tokens, in the batches `run` takes.
    public static func preload(_ detector: Detector, on dataset: Dataset, batchSize: Int = 16,
                               progress: (Int, Int) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }) throws -> Preloaded {
        let test = dataset.subset(split: .test)
        var batches: [String: [Batch]] = [:]
        var done = 0
        for category in test.categories {
            let indices = test.samples.indices.filter { test.samples[$0].category == category }
            batches[category] = try chunks(of: indices, batchSize: batchSize).map { chunk in
                let batch = try load(chunk, of: test, detector: detector)
                done += chunk.count
                progress(done, test.count)
                if shouldStop() { throw RLRError.interrupted }
                return batch
            }
        }
        return Preloaded(batches: batches)
    }

    static func chunks(of indices: [Int], batchSize: Int) -> [[Int]] {
        stride(from: 0, to: indices.count, by: batchSize).map { Array(indices[$0..<Swift.min(indices.count, $0 + batchSize)]) }
    }

    static func load(_ chunk: [Int], of test: Dataset, detector: Detector) throws -> Batch {
        let batch = try test.load(chunk, size: detector.identity.imageSize, normalization: .unit)
        return Batch(samples: batch.samples, masks: batch.masks, tokens: try detector.tokens(batch.images))
    }

    /// The JSON `model eval` writes: {"protocol": {...}, "categories": {name: {metric: value|null, n_good,
    /// n_anomalous, notes, operating_point (calibrated models)}}, "mean": {...}, "timing_s": {"features", "scoring"},
    /// "images": [{path, category, defect, anomalous, score, map (the .npy written, or null)}]}.
    public func json(protocol details: [String: Any], mapPath: (Sample) -> String? = { _ in nil }) throws -> Data {
        func object(_ row: CategoryMetrics) -> [String: Any] {
            var fields: [String: Any] = ["n_good": row.goodCount, "n_anomalous": row.anomalousCount, "notes": row.notes]
            for column in MetricColumn.allCases { fields[column.key] = column.value(in: row) ?? NSNull() }
            if let point = operatingPoints[row.category] { fields["operating_point"] = Evaluation.json(point) }
            return fields
        }
        let document: [String: Any] = [
            "protocol": details.merging(["description": report.protocolDescription]) { a, _ in a },
            "categories": Dictionary(uniqueKeysWithValues: report.categories.map { ($0.category, object($0)) }),
            "mean": object(report.mean),
            "timing_s": ["features": featureSeconds, "scoring": scoringSeconds],
            "images": images.map { sample, score -> [String: Any] in
                ["path": sample.path, "category": sample.category, "defect": sample.defect, "anomalous": sample.label == .anomalous,
                 "score": Double(score), "map": mapPath(sample) ?? NSNull()]
            },
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// {"image_threshold", "pixel_threshold", "image": {fpr, tpr, precision, counts}, "pixel": {...} | null}.
    static func json(_ point: OperatingPoint) -> [String: Any] {
        func rates(_ c: OperatingPoint.Counts) -> [String: Any] {
            ["fpr": c.fpr ?? NSNull(), "tpr": c.tpr ?? NSNull(), "precision": c.precision ?? NSNull(),
             "true_positives": c.truePositives, "false_positives": c.falsePositives, "positives": c.positives, "negatives": c.negatives]
        }
        return ["image_threshold": Double(point.imageThreshold), "pixel_threshold": Double(point.pixelThreshold),
                "image": rates(point.image), "pixel": point.pixel.map(rates) ?? NSNull()]
    }

    /// The operating point per category as a table (percent; '-' = undefined), or nil when not calibrated.
    public func operatingPointTable(fpr: Double) -> String? {
        guard !operatingPoints.isEmpty else { return nil }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f", 100 * $0) } ?? "-" }
        let headers = ["category", "image FPR", "TPR", "precision", "pixel FPR", "TPR", "precision"]
        let rows = operatingPoints.keys.sorted().map { category -> [String] in
            let point = operatingPoints[category]!
            return [category, percent(point.image.fpr), percent(point.image.tpr), percent(point.image.precision),
                    percent(point.pixel?.fpr), percent(point.pixel?.tpr), percent(point.pixel?.precision)]
        }
        return (["Operating point at the calibrated thresholds (chosen at FPR \(fpr) on held-out normal images), in percent:"]
                + EvaluationReport.aligned([headers] + rows)).joined(separator: "\n") + "\n"
    }
}
