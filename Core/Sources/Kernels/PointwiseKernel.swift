/// A register-blocked kernel for 1x1 convolutions with few channels, where SGEMM's packing dominates:
/// six pixels times 16 (or 8) output channels accumulate in registers, starting from the bias, and the
/// epilogue is applied before the single store.

/// Where the input value of pixel `p`, channel `c` sits: `base[p * pixelStride + c * channelStride]`
/// (channels-last `[P, C]`: strides (C, 1); im2col columns `[C, P]`: strides (1, P)).
public struct PixelLayout {
    public let base: UnsafePointer<Float>
    public let pixelStride: Int
    public let channelStride: Int

    @inlinable public init(_ base: UnsafePointer<Float>, pixelStride: Int, channelStride: Int) {
        self.base = base
        self.pixelStride = pixelStride
        self.channelStride = channelStride
    }
}

/// 1x1 convolution `output[p, :] = epilogue(bias + sum_c input(p, c) * weights[c, :])` without SGEMM.
///
/// `weights` is `[inputChannels, outputChannels]`, `output` (and a residual) `[pixels, outputChannels]`.
/// Best when `inputChannels * outputChannels` is small (stem, early blocks); SGEMM wins on wide layers.
public func pointwiseConvolutionDirect(_ input: PixelLayout, pixels: Int, inputChannels: Int,
                                       weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputChannels: Int,
                                       epilogue: Epilogue, output: UnsafeMutablePointer<Float>) {
    // The epilogue as two plain values, tested once per tile (an enum switch per store costs a call).
    switch epilogue {
    case .bias:
        pointwiseDirect(input, pixels, inputChannels, weights, bias, outputChannels, epilogue, output, false, nil)
    case .biasReLU6:
        pointwiseDirect(input, pixels, inputChannels, weights, bias, outputChannels, epilogue, output, true, nil)
    case .biasResidual(let residual):
        pointwiseDirect(input, pixels, inputChannels, weights, bias, outputChannels, epilogue, output, false, residual)
    }
}

@inline(__always)
private func pointwiseDirect(_ input: PixelLayout, _ pixels: Int, _ inputChannels: Int, _ weights: UnsafePointer<Float>,
                             _ bias: UnsafePointer<Float>, _ outputChannels: Int, _ epilogue: Epilogue,
                             _ output: UnsafeMutablePointer<Float>, _ clamp: Bool, _ residual: UnsafePointer<Float>?) {
    let n = outputChannels, ps = input.pixelStride, cs = input.channelStride
    var p = 0
    while p + 6 <= pixels {
        let x = input.base + p * ps
        var c = 0
        while c + 16 <= n {
            let b = load16(bias + c)
            var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b
            for k in 0..<inputChannels {
                let w = load16(weights + k * n + c)
                let xk = x + k * cs
                a0 = a0.addingProduct(SIMD16(repeating: xk[0]), w)
                a1 = a1.addingProduct(SIMD16(repeating: xk[ps]), w)
                a2 = a2.addingProduct(SIMD16(repeating: xk[2 * ps]), w)
                a3 = a3.addingProduct(SIMD16(repeating: xk[3 * ps]), w)
                a4 = a4.addingProduct(SIMD16(repeating: xk[4 * ps]), w)
                a5 = a5.addingProduct(SIMD16(repeating: xk[5 * ps]), w)
            }
            let o = p * n + c
            // The epilogue written out: the optimiser does not inline a helper here.
            if let residual {
                a0 += load16(residual + o); a1 += load16(residual + o + n); a2 += load16(residual + o + 2 * n)
                a3 += load16(residual + o + 3 * n); a4 += load16(residual + o + 4 * n); a5 += load16(residual + o + 5 * n)
            } else if clamp {
                a0 = relu6(a0); a1 = relu6(a1); a2 = relu6(a2); a3 = relu6(a3); a4 = relu6(a4); a5 = relu6(a5)
            }
            store16(a0, output + o); store16(a1, output + o + n); store16(a2, output + o + 2 * n)
            store16(a3, output + o + 3 * n); store16(a4, output + o + 4 * n); store16(a5, output + o + 5 * n)
            c += 16
        }
        while c + 8 <= n {
            let b = load8(bias + c)
            var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b
            for k in 0..<inputChannels {
                let w = load8(weights + k * n + c)
                let xk = x + k * cs
                a0 = a0.addingProduct(SIMD8(repeating: xk[0]), w)
                a1 = a1.addingProduct(SIMD8(repeating: xk[ps]), w)
                a2 = a2.addingProduct(SIMD8(repeating: xk[2 * ps]), w)
                a3 = a3.addingProduct(SIMD8(repeating: xk[3 * ps]), w)
                a4 = a4.addingProduct(SIMD8(repeating: xk[4 * ps]), w)
                a5 = a5.addingProduct(SIMD8(repeating: xk[5 * ps]), w)
            }
            let o = p * n + c
            // The epilogue written out: the optimiser does not inline a helper here.
            if let residual {
                a0 += load8(residual + o); a1 += load8(residual + o + n); a2 += load8(residual + o + 2 * n)
                a3 += load8(residual + o + 3 * n); a4 += load8(residual + o + 4 * n); a5 += load8(residual + o + 5 * n)
            } else if clamp {
                a0 = relu6(a0); a1 = relu6(a1); a2 = relu6(a2); a3 = relu6(a3); a4 = relu6(a4); a5 = relu6(a5)
            }
            store8(a0, output + o); store8(a1, output + o + n); store8(a2, output + o + 2 * n)
            store8(a3, output + o + 3 * n); store8(a4, output + o + 4 * n); store8(a5, output + o + 5 * n)
            c += 8
        }
        if c < n { pointwiseScalar(input, pixels: p..<(p + 6), channels: c..<n, inputChannels, weights, bias, n, epilogue, output) }
        p += 6
    }
    if p < pixels { pointwiseScalar(input, pixels: p..<pixels, channels: 0..<n, inputChannels, weights, bias, n, epilogue, output) }
}

/// The leftover pixels and channels of `pointwiseConvolutionDirect`, one value at a time.
private func pointwiseScalar(_ input: PixelLayout, pixels: Range<Int>, channels: Range<Int>, _ inputChannels: Int,
                             _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ n: Int,
                             _ epilogue: Epilogue, _ output: UnsafeMutablePointer<Float>) {
    for p in pixels {
        for c in channels {
            var sum = bias[c]
            for k in 0..<inputChannels { sum += input.base[p * input.pixelStride + k * input.channelStride] * weights[k * n + c] }
            switch epilogue {
            case .bias: break
            case .biasReLU6: sum = min(max(sum, 0), 6)
            case .biasResidual(let residual): sum += residual[p * n + c]
            }
            output[p * n + c] = sum
        }
    }
}
