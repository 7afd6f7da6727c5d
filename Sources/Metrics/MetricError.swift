/// Why a metric could not be computed from the given scores and labels.
public enum MetricError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two inputs that must match in length do not.
    case lengthMismatch(argument: String, expected: Int, got: Int)
    /// A score is NaN; `index` is its position in `argument`.
    case notANumber(argument: String, index: Int)
    /// There is nothing to rank.
    case empty(argument: String)
    /// The metric needs both classes but only one is present.
    case singleClass(metric: String, positives: Int, negatives: Int)
    /// AUPRO needs ground-truth regions (anomalous pixels) and normal pixels.
    case noRegions
    /// AUPRO's FPR is undefined without normal pixels.
    case noNormalPixels
    /// The false-positive-rate limit of AUPRO must lie in (0, 1].
    case invalidFPRLimit(Double)
    /// A threshold count for a sampled approximation must be at least 2.
    case invalidThresholdCount(Int)
    /// More ground-truth regions than a 32-bit region id can name.
    case tooManyRegions(Int)

    public var description: String {
        switch self {
        case let .lengthMismatch(argument, expected, got):
            return "\(argument) has \(got) elements, expected \(expected)"
        case let .notANumber(argument, index):
            return "\(argument)[\(index)] is NaN"
        case let .empty(argument):
            return "\(argument) is empty"
        case let .singleClass(metric, positives, negatives):
            return "\(metric) needs both classes, got \(positives) anomalous and \(negatives) normal"
        case .noRegions:
            return "AUPRO needs at least one ground-truth region (no anomalous mask pixels)"
        case .noNormalPixels:
            return "AUPRO needs normal pixels to measure the false positive rate (all mask pixels are anomalous)"
        case let .invalidFPRLimit(limit):
            return "the FPR limit must be in (0, 1], got \(limit)"
        case let .invalidThresholdCount(count):
            return "the threshold count must be at least 2, got \(count)"
        case let .tooManyRegions(count):
            return "\(count) ground-truth regions exceed the 32-bit region id range"
        }
    }
}
