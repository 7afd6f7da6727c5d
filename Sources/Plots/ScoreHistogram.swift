import Foundation

extension Chart {
    /// Overlapping histograms of anomaly scores [N] by class (labels [N], true = anomalous) on shared bins.
    ///
    /// - Parameters:
    ///   - bins: the number of equal-width bins over the range of all scores.
    ///   - density: divide each class's counts by its size and the bin width, so unequal classes compare.
    ///   - threshold: an optional decision threshold drawn as a dashed vertical line.
    public static func scoreHistogram(scores: [Float], labels: [Bool], bins: Int = 30, density: Bool = false,
                                      threshold: Double? = nil, title: String = "Anomaly scores") throws -> Chart {
        guard !scores.isEmpty else { throw PlotError.empty(argument: "scores") }
        guard labels.count == scores.count else {
            throw PlotError.lengthMismatch(argument: "labels", expected: scores.count, got: labels.count)
        }
        guard bins >= 1 else { throw PlotError.invalidValue(argument: "bins", reason: "\(bins) is not at least 1") }
        try PlotError.requireFinite(scores, argument: "scores")
        if let threshold { try PlotError.requireFinite([threshold], argument: "threshold") }
        let values = scores.map(Double.init)
        var lo = values.min()!, hi = values.max()!
        if hi - lo < 1e-12 * max(abs(lo), 1) { (lo, hi) = (lo - 0.5, hi + 0.5) }
        let width = (hi - lo) / Double(bins)
        let edges = (0...bins).map { lo + Double($0) * width }
        var counts = [[Double]](repeating: [Double](repeating: 0, count: bins), count: 2)
        for (value, anomalous) in zip(values, labels) {
            counts[anomalous ? 1 : 0][min(Int((value - lo) / width), bins - 1)] += 1
        }
        let classes = [(name: "good", color: Color(hex: 0x1F77B4)), (name: "anomalous", color: Color(hex: 0xD62728))]
        let bars = classes.indices.compactMap { c -> Bars? in
            let n = counts[c].reduce(0, +)
            guard n > 0 else { return nil }
            let heights = density ? counts[c].map { $0 / (n * width) } : counts[c]
            return Bars(name: "\(classes[c].name) (n=\(Int(n)))", edges: edges, heights: heights, color: classes[c].color)
        }
        let lines = threshold.map { t in
            [Series(name: "threshold \(String(format: "%.4g", t))", x: [t, t], y: [0, (bars.flatMap(\.heights).max() ?? 1) * 1.04],
                    color: .ink, lineWidth: 1.5, dashed: true)]
        } ?? []
        return Chart(title: title, xAxis: Axis("Anomaly score"), yAxis: Axis(density ? "Density" : "Count"),
                     series: lines, bars: bars)
    }
}
