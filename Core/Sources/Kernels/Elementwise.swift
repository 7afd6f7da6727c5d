import Glibc

/// Binary elementwise operations on float32.
public enum BinaryOp: Sendable {
    case add, subtract, multiply, divide, maximum, minimum, power
    case less, lessEqual, greater, greaterEqual, equal, notEqual

    @inlinable public func callAsFunction(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .maximum: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        case .minimum: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        case .power: return powf(a, b)
        case .less: return a < b ? 1 : 0
        case .lessEqual: return a <= b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .greaterEqual: return a >= b ? 1 : 0
        case .equal: return a == b ? 1 : 0
        case .notEqual: return a != b ? 1 : 0
        }
    }
}

/// Applies `op` over a broadcast `shape`; `aStrides`/`bStrides` are element strides (0 on broadcast axes).
/// The output is contiguous.
public func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ aStrides: [Int],
                   _ b: UnsafePointer<Float>, _ bStrides: [Int],
                   shape: [Int], into out: UnsafeMutablePointer<Float>) {
    let count = shape.reduce(1, *)
    if count == 0 { return }
    let inner = shape.last ?? 1
    let aInner = aStrides.last ?? 0, bInner = bStrides.last ?? 0
    let rows = count / inner
    let pa = SendableConstPointer(a), pb = SendableConstPointer(b), po = SendablePointer(out)
    Parallel.forEachChunk(rows, grain: max(1, 32_768 / inner)) { range in
        var walk = StridedRows(shape: shape, strides: [aStrides, bStrides], startingAtRow: range.lowerBound)
        for row in range {
            binaryRow(op, pa.base + walk.offsets[0], aInner, pb.base + walk.offsets[1], bInner, po.base + row * inner, inner)
            walk.advance()
        }
    }
}

/// One row of a binary op, with the common stride patterns specialised so they vectorise.
@inline(__always)
func binaryRow(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
               _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    switch (op, sa, sb) {
    case (.add, 1, 1): for i in 0..<n { out[i] = a[i] + b[i] }
    case (.add, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] + s }
    case (.add, 0, 1): let s = a[0]; for i in 0..<n { out[i] = s + b[i] }
    case (.subtract, 1, 1): for i in 0..<n { out[i] = a[i] - b[i] }
    case (.subtract, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] - s }
    case (.subtract, 0, 1): let s = a[0]; for i in 0..<n { out[i] = s - b[i] }
    case (.multiply, 1, 1): for i in 0..<n { out[i] = a[i] * b[i] }
    case (.multiply, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] * s }
    case (.multiply, 0, 1): let s = a[0]; for i in 0..<n { out[i] = s * b[i] }
    case (.divide, 1, 1): for i in 0..<n { out[i] = a[i] / b[i] }
    case (.divide, 1, 0): let s = b[0]; for i in 0..<n { out[i] = a[i] / s }
    default: for i in 0..<n { out[i] = op(a[i * sa], b[i * sb]) }
    }
}
