/// One metric column of a report: its JSON/CSV key, its table title and where its value lives.
public enum MetricColumn: String, CaseIterable, Sendable {
    case imageAUROC = "image_auroc"
    case pixelAUROC = "pixel_auroc"
    case aupro = "aupro"
    case imageAP = "image_ap"
    case pixelAP = "pixel_ap"
    case imageF1Max = "image_f1max"
    case pixelF1Max = "pixel_f1max"

    /// The key used in JSON and CSV.
    public var key: String { rawValue }

    /// Short column title for printed tables.
    public var title: String {
        switch self {
        case .imageAUROC: "I-AUROC"
        case .pixelAUROC: "P-AUROC"
        case .aupro: "AUPRO"
        case .imageAP: "I-AP"
        case .pixelAP: "P-AP"
        case .imageF1Max: "I-F1max"
        case .pixelF1Max: "P-F1max"
        }
    }

    /// This column's value in a row.
    public func value(in row: CategoryMetrics) -> Double? {
        switch self {
        case .imageAUROC: row.imageAUROC
        case .pixelAUROC: row.pixelAUROC
        case .aupro: row.aupro
        case .imageAP: row.imageAP
        case .pixelAP: row.pixelAP
        case .imageF1Max: row.imageF1Max
        case .pixelF1Max: row.pixelF1Max
        }
    }

    fileprivate func set(_ value: Double?, in row: inout CategoryMetrics) {
        switch self {
        case .imageAUROC: row.imageAUROC = value
        case .pixelAUROC: row.pixelAUROC = value
        case .aupro: row.aupro = value
        case .imageAP: row.imageAP = value
        case .pixelAP: row.pixelAP = value
        case .imageF1Max: row.imageF1Max = value
        case .pixelF1Max: row.pixelF1Max = value
        }
    }
}

/// Per-category metrics, their mean over categories, and the protocol that produced them.
public struct EvaluationReport: Sendable, Equatable {
    /// How the scores were made (resolution, image-score rule, epoch choice), printed next to the numbers.
    public var protocolDescription: String
    /// One row per category.
    public var categories: [CategoryMetrics]
    /// Mean over categories of each metric (over the categories that support it, said in `notes`);
    /// `goodCount` and `anomalousCount` are totals.
    public var mean: CategoryMetrics

    public init(categories: [CategoryMetrics], protocolDescription: String) {
        self.protocolDescription = protocolDescription
        self.categories = categories
        var mean = CategoryMetrics(
            category: "mean", goodCount: categories.reduce(0) { $0 + $1.goodCount },
            anomalousCount: categories.reduce(0) { $0 + $1.anomalousCount })
        for column in MetricColumn.allCases {
            let supported = categories.filter { column.value(in: $0) != nil }
            guard !supported.isEmpty else {
                mean.notes.append("\(column.key): no category supports it")
                continue
            }
            let sum = supported.reduce(0.0) { $0 + column.value(in: $1)! }
            column.set(sum / Double(supported.count), in: &mean)
            if supported.count < categories.count {
                let missing = categories.filter { column.value(in: $0) == nil }.map(\.category)
                mean.notes.append("\(column.key): mean over \(supported.count) of \(categories.count) categories (missing: \(missing.joined(separator: ", ")))")
            }
        }
        self.mean = mean
    }

    private var rows: [CategoryMetrics] { categories + [mean] }

    /// A fixed-width table in percent, with the protocol above and the notes below.
    public func table() -> String {
        let headers = ["category"] + MetricColumn.allCases.map(\.title) + ["good", "anomalous"]
        let cells = rows.map { row in
            [row.category]
                + MetricColumn.allCases.map { column in
                    column.value(in: row).map { formatPercent($0) } ?? "-"
                }
                + [String(row.goodCount), String(row.anomalousCount)]
        }
        let aligned = EvaluationReport.aligned([headers] + cells)
        var lines = ["Protocol: \(protocolDescription)", "Metrics in percent; '-' = not supported (see notes)."]
        lines += aligned.dropLast()
        lines.append(String(repeating: "-", count: aligned[0].count))
        lines.append(aligned.last!)
        for row in rows {
            for note in row.notes { lines.append("note (\(row.category)): \(note)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows of cells as text columns two spaces apart: the first column left-aligned, the others right-aligned.
    public static func aligned(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { fields in
            fields.enumerated().map { index, field in
                let padding = String(repeating: " ", count: widths[index] - field.count)
                return index == 0 ? field + padding : padding + field
            }.joined(separator: "  ")
        }
    }

    /// JSON: {"protocol", "categories": [{category, image_auroc, ..., n_good, n_anomalous, pixel_error_bound, notes}],
    /// "mean": {...}}; metric values are fractions in [0, 1] or null; pixel_error_bound is null for exact pixel
    /// metrics, else the largest distance of each from its exact value (pixel_f1max: exact is at most this above).
    public func json() -> String {
        func object(_ row: CategoryMetrics, indent: String) -> String {
            var fields = ["\"category\": \(jsonString(row.category))"]
            fields += MetricColumn.allCases.map { column in
                "\"\(column.key)\": " + (column.value(in: row).map { "\($0)" } ?? "null")
            }
            fields.append("\"n_good\": \(row.goodCount)")
            fields.append("\"n_anomalous\": \(row.anomalousCount)")
            fields.append("\"pixel_error_bound\": " + (row.pixelErrorBound.map { bound in
                "{\"pixel_auroc\": \(bound.auroc), \"aupro\": \(bound.aupro.map { "\($0)" } ?? "null"), "
                    + "\"pixel_ap\": \(bound.averagePrecision), \"pixel_f1max\": \(bound.f1Max)}"
            } ?? "null"))
            fields.append("\"notes\": [" + row.notes.map(jsonString).joined(separator: ", ") + "]")
            return "{\n" + fields.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n" + indent + "}"
        }
        let categoryObjects = categories.map { "    " + object($0, indent: "    ") }.joined(separator: ",\n")
        return """
        {
          "protocol": \(jsonString(protocolDescription)),
          "categories": [
        \(categoryObjects)
          ],
          "mean": \(object(mean, indent: "  "))
        }

        """
    }

    /// CSV with a header row, one row per category and a final "mean" row; empty fields are unsupported metrics.
    public func csv() -> String {
        let header = ["category"] + MetricColumn.allCases.map(\.key) + ["n_good", "n_anomalous"]
        let lines = rows.map { row in
            ([csvField(row.category)]
                + MetricColumn.allCases.map { column in column.value(in: row).map { "\($0)" } ?? "" }
                + [String(row.goodCount), String(row.anomalousCount)]).joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }
}

private func formatPercent(_ fraction: Double) -> String {
    let tenths = (fraction * 1000).rounded()
    let whole = Int(tenths) / 10, decimal = abs(Int(tenths)) % 10
    return "\(whole).\(decimal)"
}

private func jsonString(_ text: String) -> String {
    var escaped = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped + "\""
}

private func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
}
