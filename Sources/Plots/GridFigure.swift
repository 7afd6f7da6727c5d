import Foundation
import Imaging
import Tensors

/// The failures a user wants to see first, from `model eval --json`: per category the highest-scoring
/// normal and the lowest-scoring anomalous test images (overlaid with their maps when the evaluation
/// wrote them), and the category's metrics as bars.
public enum GridFigure {
    /// One evaluated test image, as `model eval --json` lists it.
    public struct Item: Sendable {
        public var path: String
        public var category: String
        public var defect: String
        public var anomalous: Bool
        public var score: Double
        public var map: String?

        public init(path: String, category: String, defect: String, anomalous: Bool, score: Double, map: String?) {
            self.path = path; self.category = category; self.defect = defect; self.anomalous = anomalous; self.score = score; self.map = map
        }
    }

    /// The images and per-category metrics (fractions or nil) of an evaluation JSON file.
    public static func read(_ path: String) throws -> (items: [Item], metrics: [String: [String: Double?]]) {
        let data = try FileError.read(path)
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let images = root["images"] as? [[String: Any]], let categories = root["categories"] as? [String: [String: Any]] else {
            throw PlotError.invalidValue(argument: "--eval", reason: "\(path) is not the JSON of `model eval --json` (no images or categories)")
        }
        let items = try images.enumerated().map { index, entry -> Item in
            guard let file = entry["path"] as? String, let category = entry["category"] as? String,
                  let anomalous = entry["anomalous"] as? Bool, let score = entry["score"] as? Double else {
                throw PlotError.invalidValue(argument: "--eval", reason: "\(path): images[\(index)] lacks path, category, anomalous or score")
            }
            return Item(path: file, category: category, defect: entry["defect"] as? String ?? "", anomalous: anomalous, score: score,
                        map: entry["map"] as? String)
        }
        let metrics = categories.mapValues { fields in
            Dictionary(uniqueKeysWithValues: metricKeys.map { ($0.key, fields[$0.key] as? Double) })
        }
        return (items, metrics)
    }

    static let metricKeys = [(key: "image_auroc", title: "I-AUROC"), (key: "pixel_auroc", title: "P-AUROC"), (key: "aupro", title: "AUPRO")]

    /// Per category, the `count` normal images with the highest scores and the `count` anomalous ones with the lowest.
    public static func failures(_ items: [Item], count: Int) -> [(category: String, normal: [Item], anomalous: [Item])] {
        Set(items.map(\.category)).sorted().map { category in
            let mine = items.filter { $0.category == category }
            return (category, Array(mine.filter { !$0.anomalous }.sorted { $0.score > $1.score }.prefix(count)),
                    Array(mine.filter(\.anomalous).sorted { $0.score < $1.score }.prefix(count)))
        }
    }

    /// The figure: one row per category (normal images scored highest | anomalous images scored lowest), metric bars at the right.
    public static func render(items: [Item], metrics: [String: [String: Double?]], count: Int, panelSize: Int = 128) throws -> Image {
        let rows = failures(items, count: count)
        guard !rows.isEmpty else { throw PlotError.invalidValue(argument: "--eval", reason: "no evaluated images") }
        let m = ChartMetrics(width: 640, height: 480)
        let probe = try Canvas(width: 1, height: 1)
        let s = Double(panelSize), gap = m.pad, margin = m.pad * 1.5
        let caption = probe.measure("Ag", size: m.tick).height + m.pad / 2
        let header = probe.measure("Ag", size: m.label, bold: true).height + m.pad
        let rowHeight = header + caption + s + gap
        let panels = Double(2 * count)
        let barsX = margin + panels * (s + gap) + gap
        let labelWidth = metricKeys.map { probe.measure($0.title, size: m.tick).width }.max()!
        let barsWidth = labelWidth + m.pad + 4 * s / 3 + probe.measure("100.0", size: m.tick).width + m.pad
        let width = Int((barsX + barsWidth + margin).rounded(.up)), height = Int((2 * margin + Double(rows.count) * rowHeight).rounded(.up))
        let canvas = try Canvas(width: width, height: height)
        for (r, row) in rows.enumerated() {
            let top = margin + Double(r) * rowHeight
            canvas.text("\(row.category): normal images scored highest | anomalous images scored lowest", x: margin, y: top, size: m.label,
                        bold: true, vertical: .top)
            for (index, item) in (row.normal + row.anomalous).enumerated() {
                let slot = item.anomalous ? count + index - row.normal.count : index
                let x = margin + Double(slot) * (s + gap), y = top + header + caption
                let name = (item.path as NSString).lastPathComponent
                canvas.text("\(item.anomalous ? item.defect : "good") \(name) \(SampleFigure.format(item.score))", x: x, y: y - m.pad / 4,
                            size: m.tick * 0.85, color: item.anomalous ? .ink : Color(red: 0.75, green: 0.1, blue: 0.1), vertical: .bottom)
                canvas.draw(try picture(item), x: x, y: y, width: s, height: s)
            }
            // Metric bars.
            for (k, metric) in metricKeys.enumerated() {
                let y = top + header + caption + Double(k) * (s / 3) + s / 12
                canvas.text(metric.title, x: barsX, y: y + s / 12, size: m.tick, vertical: .middle)
                let value = metrics[row.category]?[metric.key] ?? nil
                let barX = barsX + labelWidth + m.pad, full = 4 * s / 3
                canvas.strokeRectangle(x: barX, y: y, width: full, height: s / 6, color: .ink)
                if let value {
                    canvas.fill(x: barX, y: y, width: full * Swift.min(Swift.max(value, 0), 1), height: s / 6, color: Color(red: 0.2, green: 0.4, blue: 0.8))
                }
                canvas.text(value.map { String(format: "%.1f", 100 * $0) } ?? "-", x: barX + full + m.pad / 2, y: y + s / 12, size: m.tick,
                            vertical: .middle)
            }
        }
        return try canvas.image()
    }

    /// The image with its map overlaid (resized to the map) when the evaluation wrote one.
    static func picture(_ item: Item) throws -> Image {
        let image = try Image(contentsOf: item.path)
        guard let mapPath = item.map else { return image.rgb() }
        let map = try AnomalyMap(try NPY.read(mapPath), argument: mapPath)
        let resized = image.width == map.width && image.height == map.height ? image
            : try image.resized(width: map.width, height: map.height, filter: .bilinear)
        return try Heatmap.overlay(map, on: resized, style: HeatmapStyle(colormap: .jet, range: .perMap, alpha: 0.5))
    }
}
