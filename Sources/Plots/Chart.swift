import Imaging

/// A line (or step line) of a chart: points [count] in data coordinates.
public struct Series: Sendable, Equatable {
    /// How points are joined.
    public enum Style: Sendable, Equatable {
        /// Straight segments from point to point.
        case line
        /// A staircase where `y[i]` holds over (x[i-1], x[i]] (the step-wise precision-recall curve).
        case steps
    }

    /// The legend text; an empty name keeps the series out of the legend.
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// nil takes the palette colour of the series' index.
    public var color: Color?
    public var lineWidth: Double
    public var dashed: Bool
    public var style: Style

    public init(name: String, x: [Double], y: [Double], color: Color? = nil, lineWidth: Double = 2,
                dashed: Bool = false, style: Style = .line) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.lineWidth = lineWidth
        self.dashed = dashed
        self.style = style
    }

    /// A series over x = 1, 2, ..., count (epochs or steps).
    public init(name: String, values: [Double], color: Color? = nil) {
        self.init(name: name, x: values.indices.map { Double($0 + 1) }, y: values, color: color)
    }
}

/// Histogram bars: `heights` [count] over bins with `edges` [count + 1], drawn translucent.
public struct Bars: Sendable, Equatable {
    public var name: String
    public var edges: [Double]
    public var heights: [Double]
    public var color: Color
    public var opacity: Double

    public init(name: String, edges: [Double], heights: [Double], color: Color, opacity: Double = 0.5) {
        self.name = name
        self.edges = edges
        self.heights = heights
        self.color = color
        self.opacity = opacity
    }
}

/// Where the legend goes; `best` picks the corner that hides the fewest data points.
public enum LegendPlacement: String, Sendable, Equatable, CaseIterable {
    case best
    case upperRight = "upper-right"
    case upperLeft = "upper-left"
    case lowerLeft = "lower-left"
    case lowerRight = "lower-right"
    case none
}

/// A 2-D chart: lines and bars on linear or log axes, with ticks, grid, labels, legend and title.
///
/// Defaults: 640x480 pixels, white background, DejaVu Sans, anti-aliased, matplotlib's tab10 palette.
public struct Chart: Sendable, Equatable {
    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    public var bars: [Bars]
    public var legend: LegendPlacement
    public var width: Int
    public var height: Int

    public init(title: String = "", xAxis: Axis, yAxis: Axis, series: [Series] = [], bars: [Bars] = [],
                legend: LegendPlacement = .best, width: Int = 640, height: Int = 480) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.bars = bars
        self.legend = legend
        self.width = width
        self.height = height
    }

    /// Writes the chart as a PNG file, atomically; returns the rendered image.
    @discardableResult
    public func write(to path: String) throws -> Image {
        let image = try render()
        try image.writePlot(to: path)
        return image
    }

    /// Throws a `PlotError` naming the series at fault: empty, mismatched lengths, NaN/infinite, log axis at <= 0.
    func validate() throws {
        guard !series.isEmpty || !bars.isEmpty else { throw PlotError.empty(argument: "chart '\(title)'") }
        for (index, s) in series.enumerated() {
            let label = "series '\(s.name.isEmpty ? "#\(index + 1)" : s.name)'"
            guard !s.y.isEmpty else { throw PlotError.empty(argument: label) }
            guard s.x.count == s.y.count else { throw PlotError.lengthMismatch(argument: "\(label) x", expected: s.y.count, got: s.x.count) }
            try PlotError.requireFinite(s.x, argument: "\(label) x")
            try PlotError.requireFinite(s.y, argument: "\(label) y")
            try requirePositive(s.x, axis: xAxis, label: "\(label) x")
            try requirePositive(s.y, axis: yAxis, label: "\(label) y")
        }
        for b in bars {
            guard !b.heights.isEmpty else { throw PlotError.empty(argument: "bars '\(b.name)'") }
            guard b.edges.count == b.heights.count + 1 else {
                throw PlotError.lengthMismatch(argument: "bars '\(b.name)' edges", expected: b.heights.count + 1, got: b.edges.count)
            }
            try PlotError.requireFinite(b.edges, argument: "bars '\(b.name)' edges")
            try PlotError.requireFinite(b.heights, argument: "bars '\(b.name)' heights")
        }
    }

    private func requirePositive(_ values: [Double], axis: Axis, label: String) throws {
        guard axis.scale == .log, let bad = values.firstIndex(where: { $0 <= 0 }) else { return }
        throw PlotError.invalidValue(argument: label, reason: "value \(values[bad]) at index \(bad) cannot be shown on a log axis")
    }
}
