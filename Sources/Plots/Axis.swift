import Foundation

/// How data values map to positions along an axis.
public enum AxisScale: String, Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; every value on the axis must be positive.
    case log
}

/// One axis of a chart: label, scale, and an optional fixed range (else fitted to the data with a margin).
public struct Axis: Sendable, Equatable {
    public var label: String
    public var scale: AxisScale
    /// Fixed limits; nil fits the data.
    public var range: ClosedRange<Double>?

    public init(_ label: String, scale: AxisScale = .linear, range: ClosedRange<Double>? = nil) {
        self.label = label
        self.scale = scale
        self.range = range
    }
}

/// An axis resolved against data: limits in scale space, tick positions and their labels.
struct ResolvedAxis {
    let scale: AxisScale
    /// Limits in scale space (log10 of the values for `.log`).
    let lower: Double
    let upper: Double
    /// Tick values (data space) with their labels.
    let ticks: [(value: Double, label: String)]

    /// Fits `axis` to data values (all finite; positive for a log axis), with a 4% margin when not fixed.
    init(_ axis: Axis, values: [Double], includeZero: Bool = false) throws {
        scale = axis.scale
        var lo: Double, hi: Double
        if let range = axis.range {
            guard range.lowerBound < range.upperBound else {
                throw PlotError.invalidValue(argument: "range of axis '\(axis.label)'",
                                             reason: "\(range.lowerBound)...\(range.upperBound) is empty")
            }
            if axis.scale == .log, range.lowerBound <= 0 {
                throw PlotError.invalidValue(argument: "range of axis '\(axis.label)'", reason: "a log axis needs positive limits")
            }
            (lo, hi) = axis.scale == .log ? (log10(range.lowerBound), log10(range.upperBound)) : (range.lowerBound, range.upperBound)
        } else {
            let mapped = axis.scale == .log ? values.map(log10) : values
            lo = mapped.min() ?? 0
            hi = mapped.max() ?? 1
            if includeZero, axis.scale == .linear { lo = min(lo, 0); hi = max(hi, 0) }
            if hi - lo < 1e-12 * max(abs(lo), abs(hi), 1) {
                let pad = axis.scale == .log ? 0.5 : max(abs(lo) * 0.1, 0.5)
                (lo, hi) = (lo - pad, hi + pad)
            }
            let margin = (hi - lo) * 0.04
            hi += margin
            if !(includeZero && lo == 0) { lo -= margin }
        }
        lower = lo
        upper = hi
        ticks = axis.scale == .log ? ResolvedAxis.logTicks(lo, hi) : ResolvedAxis.linearTicks(lo, hi)
    }

    /// The fraction 0...1 along the axis of a data value.
    func fraction(_ value: Double) -> Double {
        let v = scale == .log ? log10(value) : value
        return (v - lower) / (upper - lower)
    }

    /// Ticks at multiples of a "nice" step (1, 2 or 5 times a power of ten), 4 to 9 of them.
    static func linearTicks(_ lo: Double, _ hi: Double) -> [(value: Double, label: String)] {
        let step = niceStep((hi - lo) / 8)
        let first = (lo / step).rounded(.up), last = (hi / step).rounded(.down)
        guard first <= last else { return [] }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        return stride(from: first, through: last, by: 1).map { k in
            let value = k * step
            return (value, format(value == 0 ? 0 : value, decimals: decimals))
        }
    }

    /// Ticks at powers of ten; when the range spans less than two decades, also at 2 and 5 times them.
    static func logTicks(_ lo: Double, _ hi: Double) -> [(value: Double, label: String)] {
        let decades = Int(floor(lo))...Int(ceil(hi))
        let multiples: [Double] = hi - lo < 2 ? [1, 2, 5] : [1]
        var ticks: [(Double, String)] = []
        for exponent in decades {
            for m in multiples {
                let value = m * pow(10, Double(exponent))
                let position = log10(value)
                guard position >= lo - 1e-9, position <= hi + 1e-9 else { continue }
                ticks.append((value, String(format: "%g", value)))
            }
        }
        return ticks
    }

    /// The smallest of 1, 2, 5 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, floor(log10(raw)))
        let mantissa = raw / magnitude
        let nice: Double = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// A tick label with a fixed number of decimals; very large or small magnitudes use %g.
    static func format(_ value: Double, decimals: Int) -> String {
        if value != 0, abs(value) >= 1e6 || abs(value) < 1e-4 { return String(format: "%g", value) }
        return String(format: "%.\(decimals)f", value)
    }
}
