/// Depthwise rows for horizontal stride 1 and 3x3 or 5x5 kernels: four adjacent output pixels read
/// 4 + k - 1 input vectors per kernel row instead of 4k, each feeding up to k taps straight away.
/// Sixteen channels at a time: the four accumulators are eight independent FMA chains.

/// Whether `depthwiseRowSliding` handles the geometry.
@inline(__always)
func slidingApplies(_ g: ConvGeometry) -> Bool {
    g.strideX == 1 && g.kernelWidth == g.kernelHeight && (g.kernelWidth == 3 || g.kernelWidth == 5) && g.channels % 16 == 0
}

/// One output row of `depthwiseConvolutionReLU6` when `slidingApplies(g)`.
@inline(__always)
func depthwiseRowSliding(_ input: UnsafePointer<Float>, _ g: ConvGeometry, _ weights: UnsafePointer<Float>,
                         _ bias: UnsafePointer<Float>, _ outRow: UnsafeMutablePointer<Float>, top: Int, kyRange: Range<Int>,
                         interior: Range<Int>) {
    let channels = g.channels, k = g.kernelWidth, outW = g.outputWidth
    var c = 0
    while c < channels {
        var ox = 0
        while ox < interior.lowerBound {
            depthwisePixel16(input, g, weights, bias, outRow + ox * channels, top: top, left: ox - g.padLeft, kyRange: kyRange, channel: c)
            ox += 1
        }
        while ox < interior.upperBound && interior.count >= 4 {
            ox = min(ox, interior.upperBound - 4)  // the last block ends at the interior's edge
            let b = load16(bias + c)
            var a0 = b, a1 = b, a2 = b, a3 = b
            for ky in kyRange {
                let x = input + ((top + ky) * g.width + ox - g.padLeft) * channels + c
                let w = weights + ky * k * channels + c
                let w0 = load16(w), w1 = load16(w + channels), w2 = load16(w + 2 * channels)
                if k == 3 {
                    // Input column m feeds output j through tap m - j.
                    let x0 = load16(x)
                    a0 = a0.addingProduct(x0, w0)
                    let x1 = load16(x + channels)
                    a0 = a0.addingProduct(x1, w1); a1 = a1.addingProduct(x1, w0)
                    let x2 = load16(x + 2 * channels)
                    a0 = a0.addingProduct(x2, w2); a1 = a1.addingProduct(x2, w1); a2 = a2.addingProduct(x2, w0)
                    let x3 = load16(x + 3 * channels)
                    a1 = a1.addingProduct(x3, w2); a2 = a2.addingProduct(x3, w1); a3 = a3.addingProduct(x3, w0)
                    let x4 = load16(x + 4 * channels)
                    a2 = a2.addingProduct(x4, w2); a3 = a3.addingProduct(x4, w1)
                    let x5 = load16(x + 5 * channels)
                    a3 = a3.addingProduct(x5, w2)
                } else {
                    let w3 = load16(w + 3 * channels), w4 = load16(w + 4 * channels)
                    let x0 = load16(x)
                    a0 = a0.addingProduct(x0, w0)
                    let x1 = load16(x + channels)
                    a0 = a0.addingProduct(x1, w1); a1 = a1.addingProduct(x1, w0)
                    let x2 = load16(x + 2 * channels)
                    a0 = a0.addingProduct(x2, w2); a1 = a1.addingProduct(x2, w1); a2 = a2.addingProduct(x2, w0)
                    let x3 = load16(x + 3 * channels)
                    a0 = a0.addingProduct(x3, w3); a1 = a1.addingProduct(x3, w2); a2 = a2.addingProduct(x3, w1)
                    a3 = a3.addingProduct(x3, w0)
                    let x4 = load16(x + 4 * channels)
                    a0 = a0.addingProduct(x4, w4); a1 = a1.addingProduct(x4, w3); a2 = a2.addingProduct(x4, w2)
                    a3 = a3.addingProduct(x4, w1)
                    let x5 = load16(x + 5 * channels)
                    a1 = a1.addingProduct(x5, w4); a2 = a2.addingProduct(x5, w3); a3 = a3.addingProduct(x5, w2)
                    let x6 = load16(x + 6 * channels)
                    a2 = a2.addingProduct(x6, w4); a3 = a3.addingProduct(x6, w3)
                    let x7 = load16(x + 7 * channels)
                    a3 = a3.addingProduct(x7, w4)
                }
            }
            let out = outRow + ox * channels + c
            store16(relu6(a0), out)
            store16(relu6(a1), out + channels)
            store16(relu6(a2), out + 2 * channels)
            store16(relu6(a3), out + 3 * channels)
            ox += 4
        }
        while ox < outW {
            depthwisePixel16(input, g, weights, bias, outRow + ox * channels, top: top, left: ox - g.padLeft, kyRange: kyRange, channel: c)
            ox += 1
        }
        c += 16
    }
}
