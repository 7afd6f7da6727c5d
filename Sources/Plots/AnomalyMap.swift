import Imaging
import Tensors

/// A scalar map [H, W] (an anomaly map), row-major, every value finite.
public struct AnomalyMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let values: [Float]

    /// A map over `values` [height * width]; `argument` names the map in errors.
    public init(width: Int, height: Int, values: [Float], argument: String = "map") throws {
        guard width > 0, height > 0 else { throw PlotError.empty(argument: argument) }
        guard values.count == width * height else {
            throw PlotError.lengthMismatch(argument: argument, expected: width * height, got: values.count)
        }
        try PlotError.requireFinite(values, argument: argument) { "row \($0 / width), column \($0 % width)" }
        self.width = width
        self.height = height
        self.values = values
    }

    /// A map from a tensor [H, W] (leading dimensions of size 1 are dropped: [1, H, W], [1, 1, H, W]).
    public init(_ tensor: Tensor, argument: String = "map") throws {
        guard tensor.rank >= 2, tensor.shape.dropLast(2).allSatisfy({ $0 == 1 }) else {
            throw PlotError.badShape(argument: argument, shape: tensor.shape, expected: "[H, W] (or [1, H, W])")
        }
        let dims = Array(tensor.shape.suffix(2))
        try self.init(width: dims[1], height: dims[0], values: tensor.contiguous().toArray(), argument: argument)
    }

    /// The smallest and largest value.
    public var extent: (min: Float, max: Float) { (values.min()!, values.max()!) }
}

/// How map values become colormap positions 0...1.
public enum ValueRange: Sendable, Equatable {
    /// Each map's own minimum to maximum.
    case perMap
    /// A fixed interval, so several maps share one colour scale; values outside are clamped.
    case fixed(Float, Float)

    /// The (low, high) used for `map`; throws for an empty fixed interval.
    func limits(for map: AnomalyMap) throws -> (Float, Float) {
        switch self {
        case .perMap: return map.extent
        case let .fixed(lo, hi):
            guard lo.isFinite, hi.isFinite, lo < hi else {
                throw PlotError.invalidValue(argument: "range", reason: "\(lo)...\(hi) is not an increasing finite interval")
            }
            return (lo, hi)
        }
    }
}

/// A binary ground-truth mask [H, W].
public struct Mask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// true = anomalous, row-major.
    public let bits: [Bool]

    /// The first channel of a mask image, anomalous above `threshold` (127 for 0/255 masks).
    public init(image: Image, threshold: UInt8 = 127) {
        width = image.width
        height = image.height
        bits = (0..<(image.width * image.height)).map { image.pixels[$0 * image.channels] > threshold }
    }

    /// A mask from a map's values, anomalous above 0.5.
    public init(_ map: AnomalyMap) {
        width = map.width
        height = map.height
        bits = map.values.map { $0 > 0.5 }
    }

    /// The mask's outline [H * W]: inside pixels within `thickness` pixels (Chebyshev distance) of an
    /// outside pixel or of the image border.
    public func outline(thickness: Int = 1) -> [Bool] {
        let t = max(thickness, 1)
        var edge = [Bool](repeating: false, count: bits.count)
        for y in 0..<height {
            for x in 0..<width where bits[y * width + x] {
                search: for dy in -t...t {
                    for dx in -t...t {
                        let nx = x + dx, ny = y + dy
                        if nx < 0 || ny < 0 || nx >= width || ny >= height || !bits[ny * width + nx] {
                            edge[y * width + x] = true
                            break search
                        }
                    }
                }
            }
        }
        return edge
    }
}
