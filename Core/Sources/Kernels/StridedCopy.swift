/// Copies a strided N-d view into contiguous row-major memory.
///
/// `strides` may contain zeros (broadcast axes). The innermost axis runs as a tight loop;
/// the outer axes are walked with an odometer, split across cores for large copies.
public func stridedCopy(from source: UnsafePointer<Float>, shape: [Int], strides: [Int],
                        to destination: UnsafeMutablePointer<Float>) {
    let count = shape.reduce(1, *)
    if count == 0 { return }
    guard let innerLength = shape.last else {
        destination[0] = source[0]
        return
    }
    let innerStride = strides.last!
    let outerShape = Array(shape.dropLast())
    let outerStrides = Array(strides.dropLast())
    let rows = count / innerLength
    let src = SendableConstPointer(source)
    let dst = SendablePointer(destination)
    Parallel.forEachChunk(rows, grain: max(1, 65_536 / innerLength)) { range in
        var index = [Int](repeating: 0, count: outerShape.count)
        // Decompose the first row of this chunk into an odometer position.
        var rest = range.lowerBound
        var sourceOffset = 0
        for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
            index[axis] = rest % outerShape[axis]
            rest /= outerShape[axis]
            sourceOffset += index[axis] * outerStrides[axis]
        }
        for row in range {
            let out = dst.base + row * innerLength
            let input = src.base + sourceOffset
            if innerStride == 1 {
                out.update(from: input, count: innerLength)
            } else if innerStride == 0 {
                out.update(repeating: input[0], count: innerLength)
            } else {
                for i in 0..<innerLength { out[i] = input[i * innerStride] }
            }
            // Advance the odometer.
            var axis = outerShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                sourceOffset += outerStrides[axis]
                if index[axis] < outerShape[axis] { break }
                sourceOffset -= outerStrides[axis] * outerShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
