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
    let rows = count / innerLength
    let src = SendableConstPointer(source)
    let dst = SendablePointer(destination)
    Parallel.forEachChunk(rows, grain: max(1, 65_536 / innerLength)) { range in
        var walk = StridedRows(shape: shape, strides: [strides], startingAtRow: range.lowerBound)
        for row in range {
            let out = dst.base + row * innerLength
            let input = src.base + walk.offsets[0]
            if innerStride == 1 {
                out.update(from: input, count: innerLength)
            } else if innerStride == 0 {
                out.update(repeating: input[0], count: innerLength)
            } else {
                for i in 0..<innerLength { out[i] = input[i * innerStride] }
            }
            walk.advance()
        }
    }
}
