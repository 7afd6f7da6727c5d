/// Gathers the kernel patches of output rows `rows` of a convolution over an image `[C, H, W]` into a
/// pixel-major matrix `[rows.count * outW, C * kh * kw]` (entries ordered c, ky, kx; zeros where the
/// patch reads padding). The transpose of `im2col`'s layout, for a band of output rows at a time.
public func gatherPatches(_ image: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
                          into patches: UnsafeMutablePointer<Float>) {
    let outW = g.outputWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let width = g.channels * kh * kw, plane = g.height * g.width
    let rowStep = g.dilationY * g.width, columnStep = g.dilationX
    for oy in rows {
        let top = oy * g.strideY - g.padTop
        let rowsInside = top >= 0 && top + (kh - 1) * g.dilationY < g.height
        for ox in 0..<outW {
            let left = ox * g.strideX - g.padLeft
            var out = patches + ((oy - rows.lowerBound) * outW + ox) * width
            if rowsInside && left >= 0 && left + (kw - 1) * g.dilationX < g.width {
                // Whole patch inside the image: straight copies.
                for c in 0..<g.channels {
                    var line = image + c * plane + top * g.width + left
                    for _ in 0..<kh {
                        for kx in 0..<kw { out[kx] = line[kx * columnStep] }
                        out += kw
                        line += rowStep
                    }
                }
            } else {
                for c in 0..<g.channels {
                    for ky in 0..<kh {
                        let y = top + ky * g.dilationY
                        for kx in 0..<kw {
                            let x = left + kx * g.dilationX
                            out[kx] = y >= 0 && y < g.height && x >= 0 && x < g.width ? image[c * plane + y * g.width + x] : 0
                        }
                        out += kw
                    }
                }
            }
        }
    }
}
