import Foundation
import Imaging

/// Figures of one sample: an overlay with a caption strip, and the side-by-side panel
/// image | anomaly map | overlay | ground truth with a colour bar.
public enum SampleFigure {
    /// `image` with a white strip above it holding `title` (left) and "score 0.734" (right).
    ///
    /// Returns `image` unchanged when there is neither title nor score.
    public static func captioned(_ image: Image, title: String = "", score: Double? = nil) throws -> Image {
        let scoreText = score.map { "score " + format($0) } ?? ""
        guard !title.isEmpty || !scoreText.isEmpty else { return image }
        let probe = try Canvas(width: 1, height: 1)
        var size = min(max(Double(image.width) / 28, 11), 24)
        let pad = size * 0.6
        let needed = probe.measure(title, size: size).width + probe.measure(scoreText, size: size).width + 3 * pad
        if needed > Double(image.width) { size = max(7, size * Double(image.width) / needed) }
        let strip = (size * 1.8).rounded()
        let canvas = try Canvas(width: image.width, height: image.height + Int(strip))
        canvas.draw(image, x: 0, y: strip, width: Double(image.width), height: Double(image.height), smooth: false)
        canvas.text(title, x: pad, y: strip / 2, size: size, bold: true, vertical: .middle)
        canvas.text(scoreText, x: Double(image.width) - pad, y: strip / 2, size: size, horizontal: .right, vertical: .middle)
        return try canvas.image()
    }

    /// Image | anomaly map | overlay | ground truth (when given), each `panelHeight` pixels high, with
    /// captions, a colour bar of the map's value range, and an optional title line with the score.
    public static func panel(image: Image, map: AnomalyMap, mask: Mask? = nil, style: HeatmapStyle = HeatmapStyle(),
                             title: String = "", score: Double? = nil, panelHeight: Int = 256) throws -> Image {
        guard panelHeight >= 32 else {
            throw PlotError.invalidValue(argument: "panel height", reason: "\(panelHeight) is below 32 pixels")
        }
        var panels: [(caption: String, image: Image)] = [
            ("Image", image.rgb()),
            ("Anomaly map", try Heatmap.colorize(map, style: style)),
            ("Overlay", try Heatmap.overlay(map, on: image, mask: mask, style: style)),
        ]
        if let mask {
            try Heatmap.requireSize(mask.width, mask.height, of: image, argument: "mask")
            panels.append(("Ground truth", try Heatmap.image(of: mask)))
        }
        let (lo, hi) = try style.range.limits(for: map)
        let ticks = hi > lo
            ? ResolvedAxis.linearTicks(Double(lo), Double(hi)).filter { $0.value >= Double(lo) && $0.value <= Double(hi) }
            : [(value: Double(lo), label: format(Double(lo)))]

        let m = ChartMetrics(width: 640, height: 480)
        let probe = try Canvas(width: 1, height: 1)
        let h = Double(panelHeight), w = (h * Double(image.width) / Double(image.height)).rounded()
        let gap = m.pad * 1.25, margin = m.pad * 1.5, barWidth = m.pad * 1.75
        let captionHeight = probe.measure("Ag", size: m.label).height + m.pad / 2
        let heading = title.isEmpty && score == nil ? "" : [title, score.map { "score " + format($0) } ?? ""]
            .filter { !$0.isEmpty }.joined(separator: "   ")
        let headingHeight = heading.isEmpty ? 0 : probe.measure(heading, size: m.title, bold: true).height + m.pad
        let labelWidth = (ticks.map { probe.measure($0.label, size: m.tick).width } + [0]).max()!
        let panelsWidth = Double(panels.count) * w + Double(panels.count - 1) * gap
        let width = Int((margin + panelsWidth + gap + barWidth + m.tickLength + m.pad / 2 + labelWidth + margin).rounded(.up))
        let height = Int((margin + headingHeight + captionHeight + h + margin).rounded(.up))
        let canvas = try Canvas(width: width, height: height)

        if !heading.isEmpty {
            canvas.text(heading, x: margin, y: margin, size: m.title, bold: true, vertical: .top)
        }
        let top = margin + headingHeight + captionHeight
        for (index, panel) in panels.enumerated() {
            let x = margin + Double(index) * (w + gap)
            canvas.text(panel.caption, x: x + w / 2, y: top - m.pad / 2, size: m.label, horizontal: .center, vertical: .bottom)
            canvas.draw(panel.image, x: x, y: top, width: w, height: h)
        }
        let barX = (margin + panelsWidth + gap).rounded()
        let bar = try Image(width: 1, height: 256, channels: 3, pixels: (0..<256).reversed().flatMap { i in
            let (r, g, b) = style.colormap.rgb(Float(i) / 255)
            return [r, g, b]
        })
        canvas.draw(bar, x: barX, y: top, width: barWidth, height: h)
        canvas.strokeRectangle(x: barX + 0.5, y: top + 0.5, width: barWidth - 1, height: h - 1, color: .ink)
        for tick in ticks {
            let fraction = hi > lo ? (tick.value - Double(lo)) / Double(hi - lo) : 0
            let y = (top + h - h * fraction).rounded() + 0.5
            canvas.line(from: (barX + barWidth, y), to: (barX + barWidth + m.tickLength, y), color: .ink)
            canvas.text(tick.label, x: barX + barWidth + m.tickLength + m.pad / 2, y: y, size: m.tick, vertical: .middle)
        }
        return try canvas.image()
    }

    /// A score with four significant digits.
    static func format(_ score: Double) -> String { String(format: "%.4g", score) }
}
