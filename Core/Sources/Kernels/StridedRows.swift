/// Walks the rows of one or more strided N-d arrays of the same shape in row-major order: the
/// innermost axis is left to the caller's tight loop, the outer axes advance like an odometer and
/// each array's element offset follows.
public struct StridedRows {
    let outerShape: [Int]
    let outerStrides: [[Int]]
    var index: [Int]
    /// Element offset of the current row's first element, per array.
    public private(set) var offsets: [Int]

    /// - Parameters:
    ///   - shape: the full shape (the last axis is the row).
    ///   - strides: one stride list per array (0 on broadcast axes).
    ///   - row: the flat index of the first row to visit.
    public init(shape: [Int], strides: [[Int]], startingAtRow row: Int = 0) {
        outerShape = Array(shape.dropLast())
        outerStrides = strides.map { Array($0.dropLast()) }
        index = [Int](repeating: 0, count: outerShape.count)
        offsets = [Int](repeating: 0, count: strides.count)
        var rest = row
        for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
            index[axis] = rest % outerShape[axis]
            rest /= outerShape[axis]
            for a in offsets.indices { offsets[a] += index[axis] * outerStrides[a][axis] }
        }
    }

    /// Moves to the next row.
    @inline(__always) public mutating func advance() {
        var axis = outerShape.count - 1
        while axis >= 0 {
            index[axis] += 1
            for a in offsets.indices { offsets[a] += outerStrides[a][axis] }
            if index[axis] < outerShape[axis] { return }
            for a in offsets.indices { offsets[a] -= outerStrides[a][axis] * outerShape[axis] }
            index[axis] = 0
            axis -= 1
        }
    }
}
