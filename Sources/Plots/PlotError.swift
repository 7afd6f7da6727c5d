/// Why a plot could not be drawn or written; descriptions name the argument, series or file at fault.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// A series, map or score list without values.
    case empty(argument: String)
    /// A NaN or infinite value; `position` says where (an index, or "row 3, column 5").
    case notFinite(argument: String, position: String)
    /// Two inputs that must have the same length do not.
    case lengthMismatch(argument: String, expected: Int, got: Int)
    /// A map or mask whose size differs from the image it is drawn on.
    case sizeMismatch(argument: String, width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)
    /// A tensor of an unusable shape.
    case badShape(argument: String, shape: [Int], expected: String)
    /// A value outside what the plot accepts (an alpha above 1, a reversed range, a log axis at 0).
    case invalidValue(argument: String, reason: String)
    /// Cairo refused to create a surface (usually a size too large).
    case drawing(String)

    public var description: String {
        switch self {
        case let .empty(argument): return "\(argument) is empty: nothing to plot"
        case let .notFinite(argument, position): return "\(argument) has a NaN or infinite value at \(position)"
        case let .lengthMismatch(argument, expected, got): return "\(argument) has \(got) values, expected \(expected)"
        case let .sizeMismatch(argument, width, height, expectedWidth, expectedHeight):
            return "\(argument) is \(width)x\(height) but the image is \(expectedWidth)x\(expectedHeight)"
        case let .badShape(argument, shape, expected): return "\(argument) has shape \(shape), expected \(expected)"
        case let .invalidValue(argument, reason): return "bad \(argument): \(reason)"
        case let .drawing(reason): return "cannot draw: \(reason)"
        }
    }

    /// Throws `.notFinite` for the first NaN or infinity of `values`, described by `position(i)`.
    static func requireFinite<C: Collection>(_ values: C, argument: String, position: (Int) -> String = { "index \($0)" })
        throws where C.Element: BinaryFloatingPoint {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw PlotError.notFinite(argument: argument, position: position(values.distance(from: values.startIndex, to: bad)))
        }
    }
}
