import Imaging

/// Font sizes and spacing of a chart, scaled with its size (640x480 is the reference).
struct ChartMetrics {
    let title: Double
    let label: Double
    let tick: Double
    let legend: Double
    let tickLength: Double
    let pad: Double

    init(width: Int, height: Int) {
        let scale = max(0.75, min(Double(width) / 640, Double(height) / 480))
        title = 17 * scale
        label = 14 * scale
        tick = 12.5 * scale
        legend = 12.5 * scale
        tickLength = 5 * scale
        pad = 8 * scale
    }
}

/// The plot area in pixels and the axes that map data into it.
struct PlotFrame {
    let left: Double, top: Double, width: Double, height: Double
    let x: ResolvedAxis, y: ResolvedAxis
    /// The title as drawn (see `Chart.fittedTitle`).
    let title: (text: String, size: Double)

    var right: Double { left + width }
    var bottom: Double { top + height }

    /// The pixel position of a data point.
    func point(_ dx: Double, _ dy: Double) -> (Double, Double) {
        (left + x.fraction(dx) * width, bottom - y.fraction(dy) * height)
    }
}

extension Chart {
    /// Draws the chart; throws a `PlotError` for unusable data (see `validate`).
    public func render() throws -> Image {
        try validate()
        let canvas = try Canvas(width: width, height: height)
        let m = ChartMetrics(width: width, height: height)
        let frame = try layout(canvas, m)
        drawGrid(canvas, frame)
        canvas.clip(x: frame.left, y: frame.top, width: frame.width, height: frame.height)
        for b in bars { drawBars(b, canvas, frame) }
        for (index, s) in series.enumerated() {
            canvas.polyline(pixelPath(s, frame), color: s.color ?? .series(index), lineWidth: s.lineWidth,
                            dash: s.dashed ? [6, 4] : [])
        }
        canvas.unclip()
        drawAxes(canvas, frame, m)
        drawLegend(canvas, frame, m)
        return try canvas.image()
    }

    /// The pixel position of a data point in the rendered image (to annotate it, or to check it).
    public func pixel(x: Double, y: Double) throws -> (x: Double, y: Double) {
        try frame().point(x, y)
    }

    /// The plot area (inside the axes frame) in pixels.
    public func plotArea() throws -> (left: Double, top: Double, width: Double, height: Double) {
        let f = try frame()
        return (f.left, f.top, f.width, f.height)
    }

    /// The title as drawn: in the chart's title font when it fits the image's width, else in a smaller one (down to
    /// the tick labels' size) and, if still too wide, cut short with an ellipsis.
    public func fittedTitle() throws -> (text: String, size: Double) {
        try frame().title
    }

    private func fitTitle(_ canvas: Canvas, _ m: ChartMetrics) -> (text: String, size: Double) {
        let available = Double(width) - 2 * m.pad
        let full = canvas.measure(title, size: m.title, bold: true).width
        guard full > available else { return (title, m.title) }
        let size = max(m.tick, m.title * available / full)
        var kept = title.count
        while kept > 0, canvas.measure(String(title.prefix(kept)) + "…", size: size, bold: true).width > available { kept -= 1 }
        return (kept == title.count ? title : String(title.prefix(kept)) + "…", size)
    }

    private func frame() throws -> PlotFrame {
        try validate()
        return try layout(try Canvas(width: 1, height: 1), ChartMetrics(width: width, height: height))
    }

    /// Resolves the axes and places the plot area so that ticks, labels and title fit.
    private func layout(_ canvas: Canvas, _ m: ChartMetrics) throws -> PlotFrame {
        let xValues = series.flatMap(\.x) + bars.flatMap(\.edges)
        let yValues = series.flatMap(\.y) + bars.flatMap(\.heights)
        let x = try ResolvedAxis(xAxis, values: xValues)
        let y = try ResolvedAxis(yAxis, values: yValues, includeZero: !bars.isEmpty)
        let tickHeight = canvas.measure("0", size: m.tick).height
        let labelHeight = canvas.measure("0", size: m.label).height
        let widestY = y.ticks.map { canvas.measure($0.label, size: m.tick).width }.max() ?? 0
        let lastX = x.ticks.last.map { canvas.measure($0.label, size: m.tick).width } ?? 0
        let fitted = fitTitle(canvas, m)
        let top = title.isEmpty ? 2 * m.pad : canvas.measure(fitted.text, size: fitted.size, bold: true).height + 2 * m.pad
        let left = m.pad * 1.5 + (yAxis.label.isEmpty ? 0 : labelHeight + m.pad) + widestY + m.tickLength + m.pad / 2
        let bottom = m.tickLength + m.pad / 2 + tickHeight + (xAxis.label.isEmpty ? 0 : m.pad + labelHeight) + m.pad * 1.5
        let right = max(2.5 * m.pad, lastX / 2 + m.pad)
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        guard plotWidth >= 20, plotHeight >= 20 else {
            throw PlotError.invalidValue(argument: "size", reason: "\(width)x\(height) leaves no room for the plot area")
        }
        return PlotFrame(left: left.rounded(), top: top.rounded(), width: plotWidth.rounded(), height: plotHeight.rounded(), x: x, y: y,
                         title: fitted)
    }

    /// Light grid lines at every tick.
    private func drawGrid(_ canvas: Canvas, _ f: PlotFrame) {
        for tick in f.x.ticks {
            let px = (f.point(tick.value, 1).0).rounded() + 0.5
            canvas.line(from: (px, f.top), to: (px, f.bottom), color: .grid)
        }
        for tick in f.y.ticks {
            let py = (f.point(1, tick.value).1).rounded() + 0.5
            canvas.line(from: (f.left, py), to: (f.right, py), color: .grid)
        }
    }

    /// Frame, outward ticks, tick labels, axis labels and the title.
    private func drawAxes(_ canvas: Canvas, _ f: PlotFrame, _ m: ChartMetrics) {
        canvas.strokeRectangle(x: f.left + 0.5, y: f.top + 0.5, width: f.width, height: f.height, color: .ink)
        var tickLabelBottom = f.bottom
        for tick in f.x.ticks {
            let px = (f.point(tick.value, 1).0).rounded() + 0.5
            canvas.line(from: (px, f.bottom + 0.5), to: (px, f.bottom + 0.5 + m.tickLength), color: .ink)
            canvas.text(tick.label, x: px, y: f.bottom + m.tickLength + m.pad / 2, size: m.tick,
                        horizontal: .center, vertical: .top)
        }
        tickLabelBottom += m.tickLength + m.pad / 2 + canvas.measure("0", size: m.tick).height
        var widest = 0.0
        for tick in f.y.ticks {
            let py = (f.point(1, tick.value).1).rounded() + 0.5
            canvas.line(from: (f.left + 0.5 - m.tickLength, py), to: (f.left + 0.5, py), color: .ink)
            canvas.text(tick.label, x: f.left - m.tickLength - m.pad / 2, y: py, size: m.tick,
                        horizontal: .right, vertical: .middle)
            widest = max(widest, canvas.measure(tick.label, size: m.tick).width)
        }
        if !xAxis.label.isEmpty {
            canvas.text(xAxis.label, x: f.left + f.width / 2, y: tickLabelBottom + m.pad, size: m.label,
                        horizontal: .center, vertical: .top)
        }
        if !yAxis.label.isEmpty {
            let x = f.left - m.tickLength - m.pad - widest - m.pad / 2
            canvas.text(yAxis.label, x: x, y: f.top + f.height / 2, size: m.label,
                        horizontal: .center, vertical: .bottom, angle: .pi / 2)
        }
        if !title.isEmpty {
            let (text, size) = f.title
            // Centred over the plot area, or over the image when it is wider than the plot area.
            let centre = canvas.measure(text, size: size, bold: true).width <= f.width ? f.left + f.width / 2 : Double(width) / 2
            canvas.text(text, x: centre, y: f.top - m.pad, size: size, bold: true, horizontal: .center, vertical: .bottom)
        }
    }

    private func drawBars(_ b: Bars, _ canvas: Canvas, _ f: PlotFrame) {
        for (i, h) in b.heights.enumerated() where h != 0 {
            let (x0, y0) = f.point(b.edges[i], 0), (x1, y1) = f.point(b.edges[i + 1], h)
            canvas.fill(x: x0, y: min(y0, y1), width: x1 - x0, height: abs(y1 - y0), color: b.color, opacity: b.opacity)
            canvas.strokeRectangle(x: x0, y: min(y0, y1), width: x1 - x0, height: abs(y1 - y0), color: b.color, lineWidth: 0.8)
        }
    }

    /// The pixel polyline of a series, dropping points within half a pixel of the last kept one.
    func pixelPath(_ s: Series, _ f: PlotFrame) -> [(Double, Double)] {
        var dataPoints: [(Double, Double)] = []
        switch s.style {
        case .line: dataPoints = Array(zip(s.x, s.y))
        case .steps:
            dataPoints.append((s.x[0], s.y[0]))
            for i in 1..<s.x.count { dataPoints += [(s.x[i - 1], s.y[i]), (s.x[i], s.y[i])] }
        }
        var path: [(Double, Double)] = []
        path.reserveCapacity(min(dataPoints.count, 4 * width))
        for (i, (dx, dy)) in dataPoints.enumerated() {
            let p = f.point(dx, dy)
            if let last = path.last, i < dataPoints.count - 1, abs(p.0 - last.0) < 0.5, abs(p.1 - last.1) < 0.5 { continue }
            path.append(p)
        }
        return path
    }

    // MARK: Legend

    private struct LegendEntry {
        let name: String
        let color: Color
        let dashed: Bool
        let isBar: Bool
    }

    private var legendEntries: [LegendEntry] {
        bars.filter { !$0.name.isEmpty }.map { LegendEntry(name: $0.name, color: $0.color, dashed: false, isBar: true) }
            + series.enumerated().filter { !$0.element.name.isEmpty }.map {
                LegendEntry(name: $0.element.name, color: $0.element.color ?? .series($0.offset), dashed: $0.element.dashed, isBar: false)
            }
    }

    private func drawLegend(_ canvas: Canvas, _ f: PlotFrame, _ m: ChartMetrics) {
        let entries = legendEntries
        guard legend != .none, !entries.isEmpty else { return }
        let rowHeight = m.legend * 1.5, swatch = m.legend * 2
        let textWidth = entries.map { canvas.measure($0.name, size: m.legend).width }.max() ?? 0
        let boxWidth = m.pad * 2.5 + swatch + textWidth, boxHeight = rowHeight * Double(entries.count) + m.pad
        let corner = legend == .best ? bestCorner(f, width: boxWidth, height: boxHeight, inset: m.pad) : legend
        let left = corner == .upperLeft || corner == .lowerLeft ? f.left + m.pad : f.right - m.pad - boxWidth
        let top = corner == .upperLeft || corner == .upperRight ? f.top + m.pad : f.bottom - m.pad - boxHeight
        canvas.fill(x: left, y: top, width: boxWidth, height: boxHeight, color: .white, opacity: 0.85)
        canvas.strokeRectangle(x: left.rounded() + 0.5, y: top.rounded() + 0.5, width: boxWidth.rounded(),
                               height: boxHeight.rounded(), color: Color(gray: 0.8))
        for (row, entry) in entries.enumerated() {
            let cy = top + m.pad / 2 + rowHeight * (Double(row) + 0.5)
            let sx = left + m.pad
            if entry.isBar {
                canvas.fill(x: sx, y: cy - m.legend * 0.4, width: swatch, height: m.legend * 0.8, color: entry.color, opacity: 0.5)
                canvas.strokeRectangle(x: sx, y: cy - m.legend * 0.4, width: swatch, height: m.legend * 0.8, color: entry.color, lineWidth: 0.8)
            } else {
                canvas.line(from: (sx, cy), to: (sx + swatch, cy), color: entry.color, lineWidth: 2, dash: entry.dashed ? [5, 3] : [])
            }
            canvas.text(entry.name, x: sx + swatch + m.pad / 1.5, y: cy, size: m.legend, horizontal: .left, vertical: .middle)
        }
    }

    /// The corner (matplotlib's order on ties) whose legend box covers the fewest data points and bars.
    private func bestCorner(_ f: PlotFrame, width: Double, height: Double, inset: Double) -> LegendPlacement {
        let corners: [LegendPlacement] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight]
        var points: [(Double, Double)] = []
        for s in series {
            let path = pixelPath(s, f)
            points += path
            for (a, b) in zip(path, path.dropFirst()) {
                let pieces = Int(max(abs(b.0 - a.0), abs(b.1 - a.1)) / 4)
                if pieces > 1 {
                    for k in 1..<pieces {
                        let t = Double(k) / Double(pieces)
                        points.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
                    }
                }
            }
        }
        for b in bars {
            for (i, h) in b.heights.enumerated() where h != 0 {
                let x0 = f.point(b.edges[i], 0).0, x1 = f.point(b.edges[i + 1], 0).0
                let top = f.point(0, h).1
                for py in stride(from: top, through: f.bottom, by: 4) { points += [(x0, py), ((x0 + x1) / 2, py), (x1, py)] }
            }
        }
        func covered(_ corner: LegendPlacement) -> Int {
            let left = corner == .upperLeft || corner == .lowerLeft ? f.left + inset : f.right - inset - width
            let top = corner == .upperLeft || corner == .upperRight ? f.top + inset : f.bottom - inset - height
            return points.filter { $0.0 >= left && $0.0 <= left + width && $0.1 >= top && $0.1 <= top + height }.count
        }
        let counts = corners.map(covered)
        return corners[counts.firstIndex(of: counts.min()!)!]
    }
}
