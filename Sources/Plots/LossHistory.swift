import Foundation
import Tensors

/// Loss values of a training run read from a tensor or a JSON file: named series over a shared x axis.
struct LossHistory {
    var series: [(name: String, values: [Double])]
    /// Epochs or steps [count] when the source gives them.
    var x: [Double]?

    /// Series from a tensor [N] (named "loss") or [S, N] (named by `names`, else "series 1", ...).
    init(_ tensor: Tensor, names: [String]?) throws {
        let values = tensor.contiguous().toArray().map(Double.init)
        let rows: Int
        switch tensor.rank {
        case 0, 1: rows = 1
        case 2: rows = tensor.shape[0]
        default: throw PlotError.badShape(argument: "--values", shape: tensor.shape, expected: "[N] or [S, N]")
        }
        guard !values.isEmpty else { throw PlotError.empty(argument: "--values") }
        let length = values.count / rows
        if let names, names.count != rows {
            throw PlotError.lengthMismatch(argument: "--names", expected: rows, got: names.count)
        }
        series = (0..<rows).map { row in
            (names?[row] ?? (rows == 1 ? "loss" : "series \(row + 1)"), Array(values[row * length ..< (row + 1) * length]))
        }
        for entry in series {
            try PlotError.requireFinite(entry.values, argument: "--values series '\(entry.name)'") { "epoch \($0 + 1)" }
        }
    }

    /// Series from JSON: `[0.9, 0.5]`, `{"train": [...], "val": [...]}` (names sorted), or
    /// `[{"epoch": 1, "loss": 0.9}, ...]` (numeric fields but epoch/step are series; epoch or step is x).
    init(json path: String) throws {
        let data = try FileError.read(path)
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw FileError.malformed(path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        func numbers(_ value: Any, _ what: String) throws -> [Double] {
            guard let list = value as? [Any] else { throw FileError.malformed(path, reason: "\(what) is not a list of numbers") }
            return try list.enumerated().map { i, item in
                guard let number = item as? NSNumber else {
                    throw FileError.malformed(path, reason: "\(what)[\(i)] is not a number")
                }
                return number.doubleValue
            }
        }
        if let object = root as? [String: Any] {
            series = try object.keys.sorted().map { ($0, try numbers(object[$0]!, "\"\($0)\"")) }
        } else if let records = root as? [[String: Any]], !records.isEmpty {
            /// The values of `key` in every record, or nil when a record lacks it or holds a non-number.
            func column(_ key: String) -> [Double]? {
                let values = records.compactMap { ($0[key] as? NSNumber)?.doubleValue }
                return values.count == records.count ? values : nil
            }
            x = column("epoch") ?? column("step")
            series = Set(records.flatMap(\.keys)).subtracting(["epoch", "step"]).sorted().compactMap { key in
                column(key).map { (key, $0) }
            }
            guard !series.isEmpty else { throw FileError.malformed(path, reason: "no numeric field present in every record") }
        } else {
            series = [("loss", try numbers(root, "the file"))]
        }
        for entry in series {
            guard !entry.values.isEmpty else { throw PlotError.empty(argument: "\(path): series '\(entry.name)'") }
            try PlotError.requireFinite(entry.values, argument: "\(path): series '\(entry.name)'") { "index \($0)" }
        }
    }
}
