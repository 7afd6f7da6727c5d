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

    /// The protocol, as stated next to every result.
    public static func protocolDescription(_ detector: Detector) -> String {
        "RLR protocol: \(detector.identity.imageSize)px, \(detector.identity.name) taps \(detector.identity.taps.joined(separator: ",")); "
            + "pixel metrics on the unsmoothed map; image score = max of the map smoothed by a Gaussian "
            + "(sigma \(detector.network.config.blurSigma), truncate 4); masks NEAREST, > 0.5 anomalous"
    }

    /// Evaluates every category of `dataset`'s test split.
    ///
    /// - Parameters:
    ///   - each: called with every test sample, its unsmoothed map `[S, S]` and image score (e.g. to save maps).
    public static func run(_ detector: Detector, on dataset: Dataset, batchSize: Int = 16,
                           progress: (String, Int, Int) -> Void = { _, _, _ in }, shouldStop: () -> Bool = { false },
                           each: (Sample, Tensor, Float) throws -> Void = { _, _, _ in }) throws -> Evaluation {
        let test = dataset.subset(split: .test)
        var rows: [CategoryMetrics] = []
        var featureSeconds = 0.0, scoringSeconds = 0.0
        let size = detector.identity.imageSize
        for category in test.categories {
            let indices = test.samples.indices.filter { test.samples[$0].category == category }
            let imageLevelOnly = indices.contains { test.samples[$0].label == .anomalous && test.samples[$0].maskPath == nil }
            var pixels = imageLevelOnly ? nil : PixelAccumulator(reservingPixels: indices.count * size * size)
            var scores: [Float] = [], labels: [Bool] = []
            for start in stride(from: 0, to: indices.count, by: batchSize) {
                let chunk = Array(indices[start..<Swift.min(indices.count, start + batchSize)])
                var clock = Date()
                let batch = try test.load(chunk, size: size, normalization: .unit)
                let tokens = try detector.tokens(batch.images)
                featureSeconds += Date().timeIntervalSince(clock)
                clock = Date()
                let (maps, batchScores) = detector.score(tokens: tokens)
                for (i, sample) in batch.samples.enumerated() {
                    let map = maps.sliced(axis: 0, i..<(i + 1)).squeezed(0).contiguous()
                    try each(sample, map, batchScores[i])
                    if pixels != nil {
                        let mask = batch.masks.sliced(axis: 0, i..<(i + 1)).toArray().map { UInt8($0 > 0.5 ? 1 : 0) }
                        try map.withContiguousBuffer { buffer in
                            try mask.withUnsafeBufferPointer { try pixels!.add(map: buffer, mask: $0, height: size, width: size) }
                        }
                    }
                }
                scores += batchScores
                labels += batch.samples.map { $0.label == .anomalous }
                scoringSeconds += Date().timeIntervalSince(clock)
                progress(category, start + chunk.count, indices.count)
                if shouldStop() { throw RLRError.interrupted }
            }
            let clock = Date()
            var row = try CategoryMetrics(category: category, imageScores: scores, imageLabels: labels, pixels: pixels?.finish())
            if imageLevelOnly { row.notes.append("anomalous images without masks: pixel metrics not computed (image-level labels only)") }
            rows.append(row)
            scoringSeconds += Date().timeIntervalSince(clock)
        }
        let report = EvaluationReport(categories: rows, protocolDescription: protocolDescription(detector))
        return Evaluation(report: report, featureSeconds: featureSeconds, scoringSeconds: scoringSeconds)
    }

    /// The JSON `model eval` writes: {"protocol": {...}, "categories": {name: {metric: value|null, n_good,
    /// n_anomalous, notes}}, "mean": {...}, "timing_s": {"features", "scoring"}}.
    public func json(protocol details: [String: Any]) throws -> Data {
        func object(_ row: CategoryMetrics) -> [String: Any] {
            var fields: [String: Any] = ["n_good": row.goodCount, "n_anomalous": row.anomalousCount, "notes": row.notes]
            for column in MetricColumn.allCases { fields[column.key] = column.value(in: row) ?? NSNull() }
            return fields
        }
        let document: [String: Any] = [
            "protocol": details.merging(["description": report.protocolDescription]) { a, _ in a },
            "categories": Dictionary(uniqueKeysWithValues: report.categories.map { ($0.category, object($0)) }),
            "mean": object(report.mean),
            "timing_s": ["features": featureSeconds, "scoring": scoringSeconds],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }
}
