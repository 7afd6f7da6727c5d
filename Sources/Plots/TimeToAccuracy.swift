import Tensors
import Foundation

/// Test metrics over training time, read from the curve files `model train --track --curve` writes
/// (JSON records with `seconds` and metric fields such as `i_auroc`, `p_auroc` in [0, 1]).
struct TimeToAccuracy {
    /// Minutes of training at the end of each recorded epoch.
    var minutes: [Double]
    /// Values in percent per metric key, in the order asked for.
    var metrics: [(key: String, percent: [Double])]

    init(json path: String, metrics keys: [String]) throws {
        let data = try FileError.read(path)
        guard let records = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]], !records.isEmpty else {
            throw FileError.malformed(path, reason: "not a list of per-epoch records (write one with `model train --track --curve FILE`)")
        }
        func column(_ key: String) throws -> [Double] {
            try records.enumerated().map { index, record in
                guard let value = (record[key] as? NSNumber)?.doubleValue, value.isFinite else {
                    throw FileError.malformed(path, reason: "record \(index + 1) has no number \"\(key)\""
                                              + (key == "seconds" ? "" : " (was the run trained with --track?)"))
                }
                return value
            }
        }
        minutes = try column("seconds").map { $0 / 60 }
        metrics = try keys.map { ($0, try column($0).map { 100 * $0 }) }
    }
}

extension Chart {
    /// Time to accuracy: one colour per run, one line style per metric (the first solid, the rest dashed).
    static func timeToAccuracy(_ runs: [(name: String, curve: TimeToAccuracy)], metricTitles: [String: String]) -> Chart {
        let series = runs.enumerated().flatMap { index, run in
            run.curve.metrics.enumerated().map { position, metric in
                let title = metricTitles[metric.key] ?? metric.key
                return Series(name: run.name.isEmpty ? title : "\(run.name) \(title)", x: run.curve.minutes, y: metric.percent,
                              color: .series(index), dashed: position > 0)
            }
        }
        return Chart(title: "Time to accuracy", xAxis: Axis("Minutes of training"), yAxis: Axis("Test metric (%)"), series: series)
    }
}
