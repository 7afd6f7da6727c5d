import Foundation
import Metrics

extension Chart {
    /// ROC curves [FPR, TPR] with "name (AUROC 0.953)" legends and the dashed chance diagonal.
    ///
    /// The AUROC shown is the trapezoid area under each given curve: exact for curves from
    /// `AUROC.curve` at resolution 0 (every operating point), approximate for thinned curves.
    public static func roc(_ curves: [(name: String, curve: Curve)], title: String = "ROC curve") throws -> Chart {
        var series = try curves.enumerated().map { index, entry in
            try requirePoints(entry.curve, name: entry.name)
            let area = String(format: "%.3f", entry.curve.trapezoidArea)
            return Series(name: entry.name.isEmpty ? "AUROC \(area)" : "\(entry.name) (AUROC \(area))",
                          x: entry.curve.x, y: entry.curve.y, color: .series(index))
        }
        series.append(Series(name: "chance level", x: [0, 1], y: [0, 1], color: .reference, lineWidth: 1.5, dashed: true))
        return Chart(title: title, xAxis: Axis("False positive rate", range: -0.02...1.02),
                     yAxis: Axis("True positive rate", range: -0.02...1.02), series: series)
    }

    /// Precision-recall curves as step lines with "name (AP 0.912)" legends and the dashed chance level.
    ///
    /// Curves are those of `AveragePrecision.curve` (highest score first); the AP shown is the area under
    /// the drawn staircase, exact at resolution 0. The chance level is the first curve's precision at full
    /// recall (the share of anomalous samples).
    public static func precisionRecall(_ curves: [(name: String, curve: Curve)], title: String = "Precision-recall curve") throws -> Chart {
        var series = try curves.enumerated().map { index, entry in
            try requirePoints(entry.curve, name: entry.name)
            let area = String(format: "%.3f", entry.curve.stepArea)
            return Series(name: entry.name.isEmpty ? "AP \(area)" : "\(entry.name) (AP \(area))",
                          x: [0] + entry.curve.x, y: [entry.curve.y[0]] + entry.curve.y, color: .series(index), style: .steps)
        }
        if let prevalence = curves.first?.curve.y.last {
            series.append(Series(name: String(format: "chance level (AP %.3f)", prevalence), x: [0, 1], y: [prevalence, prevalence],
                                 color: .reference, lineWidth: 1.5, dashed: true))
        }
        return Chart(title: title, xAxis: Axis("Recall", range: -0.02...1.02),
                     yAxis: Axis("Precision", range: -0.02...1.02), series: series)
    }

    /// Loss per epoch (or step): one line per named series [count], over `x` [count] (default 1, 2, ...);
    /// `logScale` puts the loss on a log axis. A single series gets no legend.
    public static func loss(_ series: [(name: String, values: [Double])], x: [Double]? = nil, title: String = "Training loss",
                            xLabel: String = "Epoch", logScale: Bool = false) throws -> Chart {
        guard !series.isEmpty else { throw PlotError.empty(argument: "loss series") }
        if let empty = series.first(where: { $0.values.isEmpty }) { throw PlotError.empty(argument: "loss series '\(empty.name)'") }
        let lines = series.enumerated().map { index, entry in
            Series(name: series.count > 1 ? entry.name : "", x: x ?? entry.values.indices.map { Double($0 + 1) },
                   y: entry.values, color: .series(index))
        }
        return Chart(title: title, xAxis: Axis(xLabel), yAxis: Axis("Loss", scale: logScale ? .log : .linear), series: lines)
    }

    private static func requirePoints(_ curve: Curve, name: String) throws {
        let label = "curve '\(name.isEmpty ? curve.name : name)'"
        guard curve.count > 0 else { throw PlotError.empty(argument: label) }
        guard curve.y.count == curve.count else { throw PlotError.lengthMismatch(argument: "\(label) y", expected: curve.count, got: curve.y.count) }
    }
}

extension Curve {
    /// Trapezoid area under a curve's points (AUROC for a full ROC curve).
    public var trapezoidArea: Double {
        var area = 0.0
        for i in x.indices.dropFirst() {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2
        }
        return area
    }

    /// Step-wise area Σ (x_k - x_{k-1}) y_k with x_0 = 0 (AP for a full precision-recall curve).
    public var stepArea: Double {
        var area = 0.0, previous = 0.0
        for (x, y) in zip(x, y) {
            area += (x - previous) * y
            previous = x
        }
        return area
    }
}
