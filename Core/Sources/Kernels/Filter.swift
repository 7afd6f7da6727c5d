import Glibc

/// Separable 1-D filtering of planes with scipy.ndimage's 'reflect' border (d c b a | a b c d | d c b a).
public enum Filter {
    /// Index `i` reflected into `0..<n` (half-sample symmetric, repeating for long overhangs).
    @inline(__always) public static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let period = 2 * n
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - 1 - j
    }

    /// Normalised Gaussian taps with radius `Int(truncate * sigma + 0.5)` (scipy's rule).
    public static func gaussianTaps(sigma: Float, truncate: Float = 4) -> [Float] {
        let radius = Int(truncate * sigma + 0.5)
        var taps = (-radius...radius).map { x -> Double in
            let t = Double(x) / Double(sigma)
            return exp(-0.5 * t * t)
        }
        let total = taps.reduce(0, +)
        taps = taps.map { $0 / total }
        return taps.map(Float.init)
    }

    /// Correlates every line along `axis` (0 = rows of height H run vertically, 1 = horizontally) of
    /// planes `[P, H, W]` with `taps` (odd length, centred). With `adjoint`, applies the transpose
    /// (accumulating into `y`), which is the gradient of the forward filter.
    public static func correlate(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, axis: Int,
                                 taps: [Float], adjoint: Bool = false, into y: UnsafeMutablePointer<Float>) {
        let px = SendableConstPointer(x), py = SendablePointer(y)
        Parallel.forEachChunk(planes, grain: 1) { range in
            for p in range {
                let input = px.base + p * height * width, output = py.base + p * height * width
                if adjoint {
                    scatterTranspose(input, height: height, width: width, axis: axis, taps: taps, into: output)
                } else if axis == 0 {
                    correlateColumns(input, height: height, width: width, taps: taps, into: output)
                } else {
                    correlateRows(input, height: height, width: width, taps: taps, into: output)
                }
            }
        }
    }

    /// Vertical pass: each output row is a weighted sum of (reflected) input rows, vectorised over columns.
    static func correlateColumns(_ x: UnsafePointer<Float>, height: Int, width: Int, taps: [Float],
                                 into y: UnsafeMutablePointer<Float>) {
        let radius = taps.count / 2
        for i in 0..<height {
            let row = y + i * width
            row.update(repeating: 0, count: width)
            for (t, w) in taps.enumerated() {
                VectorOps.axpy(w, x + reflect(i + t - radius, height) * width, row, width)
            }
        }
    }

    /// Horizontal pass: each row is padded by reflection once, then correlated with plain indexing.
    static func correlateRows(_ x: UnsafePointer<Float>, height: Int, width: Int, taps: [Float],
                              into y: UnsafeMutablePointer<Float>) {
        let radius = taps.count / 2
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: width + 2 * radius)
        defer { padded.deallocate() }
        for i in 0..<height {
            let line = x + i * width, out = y + i * width
            for j in 0..<(width + 2 * radius) { padded[j] = line[reflect(j - radius, width)] }
            out.update(repeating: 0, count: width)
            for (t, w) in taps.enumerated() { VectorOps.axpy(w, padded + t, out, width) }
        }
    }

    /// The transpose of either pass: every input value spreads back to the taps that read it.
    static func scatterTranspose(_ g: UnsafePointer<Float>, height: Int, width: Int, axis: Int, taps: [Float],
                                 into y: UnsafeMutablePointer<Float>) {
        let radius = taps.count / 2
        let length = axis == 0 ? height : width, step = axis == 0 ? width : 1
        let lines = axis == 0 ? width : height, lineStep = axis == 0 ? 1 : width
        for line in 0..<lines {
            let base = line * lineStep
            for i in 0..<length {
                let value = g[base + i * step]
                for (t, w) in taps.enumerated() { y[base + reflect(i + t - radius, length) * step] += w * value }
            }
        }
    }
}
