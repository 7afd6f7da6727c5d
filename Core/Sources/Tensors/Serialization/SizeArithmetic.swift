/// Size arithmetic for readers of untrusted files: an overflow or a negative size is `nil`, never a trap.
public enum SizeArithmetic {
    /// The number of elements of `shape`; nil when a dimension is negative or when the product of the
    /// non-zero dimensions (which strides multiply even when a zero dimension empties the tensor) overflows.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1, strided = 1
        for dimension in shape {
            guard dimension >= 0, let next = product(strided, Swift.max(dimension, 1)) else { return nil }
            strided = next
            count = dimension == 0 ? 0 : count
        }
        return count == 0 ? 0 : strided
    }

    /// The bytes `shape` needs at `width` bytes per element; nil on a negative size or an overflow.
    public static func byteCount(_ shape: [Int], width: Int) -> Int? {
        elementCount(shape).flatMap { product($0, width) }
    }

    public static func product(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : value
    }

    public static func sum(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }

    /// `value` as an `Int` when it fits (sizes read as 64-bit unsigned fields).
    public static func int(_ value: UInt64) -> Int? { Int(exactly: value) }
}
