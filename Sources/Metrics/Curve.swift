/// A curve as plain values (ROC, precision-recall, PRO) that a plot module can draw.
public struct Curve: Sendable, Equatable {
    /// Title, e.g. "ROC".
    public var name: String
    /// Axis label of `x`, e.g. "false positive rate".
    public var xLabel: String
    /// Axis label of `y`, e.g. "true positive rate".
    public var yLabel: String
    /// Abscissae [count].
    public var x: [Double]
    /// Ordinates [count].
    public var y: [Double]
    /// The score threshold of each point [count] (a point counts scores >= its threshold as anomalous;
    /// +infinity where nothing is called anomalous).
    public var thresholds: [Float]

    public init(name: String, xLabel: String, yLabel: String, x: [Double] = [], y: [Double] = [], thresholds: [Float] = []) {
        self.name = name
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = x
        self.y = y
        self.thresholds = thresholds
    }

    /// Number of points.
    public var count: Int { x.count }

    /// Appends a point.
    public mutating func append(x: Double, y: Double, threshold: Float) {
        self.x.append(x)
        self.y.append(y)
        thresholds.append(threshold)
    }
}

/// Records curve points, dropping a point when neither coordinate moved by `resolution` since the
/// last kept one (the last point is always kept), so pixel-level curves stay plottable.
struct CurveRecorder {
    private(set) var curve: Curve
    private let resolution: Double
    private var pending: (x: Double, y: Double, threshold: Float)?

    init(_ curve: Curve, resolution: Double) {
        self.curve = curve
        self.resolution = resolution
    }

    mutating func add(x: Double, y: Double, threshold: Float) {
        if let lastX = curve.x.last, let lastY = curve.y.last,
           abs(x - lastX) < resolution, abs(y - lastY) < resolution {
            pending = (x, y, threshold)
            return
        }
        pending = nil
        curve.append(x: x, y: y, threshold: threshold)
    }

    /// The curve with the last recorded point included.
    var finished: Curve {
        var result = curve
        if let last = pending { result.append(x: last.x, y: last.y, threshold: last.threshold) }
        return result
    }
}
