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
        let radius = taps.count / 2
        let px = SendableConstPointer(x), py = SendablePointer(y)
        let length = axis == 0 ? height : width, step = axis == 0 ? width : 1
        let lines = axis == 0 ? width : height, lineStep = axis == 0 ? 1 : width
        Parallel.forEachChunk(planes, grain: 1) { range in
            for p in range {
                for line in 0..<lines {
                    let base = p * height * width + line * lineStep
                    for i in 0..<length {
                        if adjoint {
                            let g = px[base + i * step]
                            for (t, w) in taps.enumerated() { py[base + reflect(i + t - radius, length) * step] += w * g }
                        } else {
                            var total: Float = 0
                            for (t, w) in taps.enumerated() { total += w * px[base + reflect(i + t - radius, length) * step] }
                            py[base + i * step] = total
                        }
                    }
                }
            }
        }
    }
}
