import CVectorMath

/// Inference kernels for convolutions in channels-last layout (`[H, W, C]` per image, `[P, C]` for
/// P pixels): 1x1 convolutions as SGEMM with a fused epilogue, and depthwise kxk convolutions in SIMD.
/// All are single-threaded over the range they are given; callers split pixels or rows across cores
/// (OpenBLAS runs single-threaded; see `sgemm`).

/// What follows the bias in a fused epilogue.
public enum Epilogue {
    /// `y = x + bias`.
    case bias
    /// `y = min(max(x + bias, 0), 6)`.
    case biasReLU6
    /// `y = x + bias + residual` (the residual has the output's layout).
    case biasResidual(UnsafePointer<Float>)
}

@inline(__always) @usableFromInline
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) @usableFromInline
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// `min(max(v, 0), 6)` lane-wise. Written with masks: the stdlib's `clamped`/`pointwiseMax` are not
/// inlined for SIMD8 and cost a call per vector.
@inline(__always)
func relu6(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let low = v.replacing(with: 0, where: v .< 0)
    return low.replacing(with: 6, where: low .> 6)
}

@inline(__always)
func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

@inline(__always)
func relu6(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let low = v.replacing(with: 0, where: v .< 0)
    return low.replacing(with: 6, where: low .> 6)
}

/// Applies `epilogue` to `rows` rows of `channels` values: `data[r, c] = f(data[r, c] + bias[c])`.
///
/// `data` and the residual are `[rows, channels]` with row stride `channels`.
public func applyEpilogue(_ epilogue: Epilogue, _ data: UnsafeMutablePointer<Float>, rows: Int, channels: Int,
                          bias: UnsafePointer<Float>) {
    let vectorEnd = channels & ~7
    for r in 0..<rows {
        let row = data + r * channels
        switch epilogue {
        case .bias:
            var c = 0
            while c < vectorEnd { store8(load8(row + c) + load8(bias + c), row + c); c += 8 }
            while c < channels { row[c] += bias[c]; c += 1 }
        case .biasReLU6:
            var c = 0
            while c < vectorEnd { store8(relu6(load8(row + c) + load8(bias + c)), row + c); c += 8 }
            while c < channels { row[c] = min(max(row[c] + bias[c], 0), 6); c += 1 }
        case .biasResidual(let residual):
            let skip = residual + r * channels
            var c = 0
            while c < vectorEnd { store8(load8(row + c) + load8(bias + c) + load8(skip + c), row + c); c += 8 }
            while c < channels { row[c] += bias[c] + skip[c]; c += 1 }
        }
    }
}

/// 1x1 convolution of `pixels` channels-last pixels: `output[p, :] = epilogue(input[p, :] · weights)`.
///
/// `input` is `[pixels, inputChannels]`, `weights` `[inputChannels, outputChannels]`, `output`
/// `[pixels, outputChannels]`. Small layers (up to `directLimit` weights, measured with
/// `rlr-bench pointwise`) run the register-blocked kernel; wider ones SGEMM in tiles of pixels, so that
/// the epilogue reads what SGEMM just wrote while it is still in cache.
public func pointwiseConvolution(_ input: UnsafePointer<Float>, pixels: Int, inputChannels: Int,
                                 weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputChannels: Int,
                                 epilogue: Epilogue, output: UnsafeMutablePointer<Float>) {
    if inputChannels * outputChannels <= pointwiseDirectLimit {
        pointwiseConvolutionDirect(PixelLayout(input, pixelStride: inputChannels, channelStride: 1), pixels: pixels,
                                   inputChannels: inputChannels, weights: weights, bias: bias,
                                   outputChannels: outputChannels, epilogue: epilogue, output: output)
    } else {
        pointwiseConvolutionSGEMM(input, pixels: pixels, inputChannels: inputChannels, weights: weights, bias: bias,
                                  outputChannels: outputChannels, epilogue: epilogue, output: output)
    }
}

/// Largest weight matrix (inputChannels x outputChannels) for which the direct kernel beats SGEMM.
public let pointwiseDirectLimit = 12_000

/// `pointwiseConvolution` on SGEMM, in tiles of pixels.
public func pointwiseConvolutionSGEMM(_ input: UnsafePointer<Float>, pixels: Int, inputChannels: Int,
                                      weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputChannels: Int,
                                      epilogue: Epilogue, output: UnsafeMutablePointer<Float>) {
    let tile = max(64, 65_536 / max(outputChannels, 1))
    var start = 0
    while start < pixels {
        let rows = min(tile, pixels - start)
        let out = output + start * outputChannels
        sgemm(m: rows, n: outputChannels, k: inputChannels, a: input + start * inputChannels, lda: inputChannels,
              b: weights, ldb: outputChannels, c: out, ldc: outputChannels)
        var tileEpilogue = epilogue
        if case .biasResidual(let residual) = epilogue { tileEpilogue = .biasResidual(residual + start * outputChannels) }
        applyEpilogue(tileEpilogue, out, rows: rows, channels: outputChannels, bias: bias)
        start += rows
    }
}

/// Depthwise kxk convolution with bias and ReLU6, channels-last, for output rows `rows`.
///
/// `input` is `[H, W, C]` and `output` `[outH, outW, C]` as described by `g` (square kernel,
/// `g.channels` = C, asymmetric zero padding allowed); `weights` is `[k, k, C]`, `bias` `[C]`.
/// Works on 16 channels (one cache line) at a time across a whole output row, so the k input rows of
/// that slice stay in L1 while every kernel tap reuses them; four output pixels share each weight load.
/// Where `KernelVariants.avx512`, eight output pixels in zmm accumulators with masked channel tails (C),
/// each input column loaded once for all the taps it feeds, for strides 1 and 2 alike.
public func depthwiseConvolutionReLU6(_ input: UnsafePointer<Float>, _ g: ConvGeometry, weights: UnsafePointer<Float>,
                                      bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Range<Int>) {
    if KernelVariants.avx512 {
        var shape = rlr_depthwise_shape(channels: g.channels, height: g.height, width: g.width, kernel: g.kernelWidth,
                                        stride_y: g.strideY, stride_x: g.strideX, pad_top: g.padTop, pad_left: g.padLeft,
                                        output_width: g.outputWidth)
        rlr_depthwise_relu6_avx512(input, &shape, weights, bias, output, rows.lowerBound, rows.upperBound)
        return
    }
    let channels = g.channels, k = g.kernelWidth, s = g.strideX
    let outW = g.outputWidth
    // Output columns whose whole kernel window lies inside the image.
    let interiorStart = min(outW, (g.padLeft + s - 1) / s)
    let interiorEnd = max(interiorStart, min(outW, g.width - k + g.padLeft >= 0 ? (g.width - k + g.padLeft) / s + 1 : 0))
    let vectorChannels = channels & ~15
    for oy in rows {
        let top = oy * g.strideY - g.padTop
        let kyRange = max(0, -top)..<min(k, g.height - top)
        let outRow = output + oy * outW * channels
        if slidingApplies(g) {
            depthwiseRowSliding(input, g, weights, bias, outRow, top: top, kyRange: kyRange, interior: interiorStart..<interiorEnd)
            continue
        }
        var c = 0
        while c < vectorChannels {
            var ox = 0
            while ox < interiorStart {
                depthwisePixel16(input, g, weights, bias, outRow + ox * channels, top: top, left: ox * s - g.padLeft,
                                 kyRange: kyRange, channel: c)
                ox += 1
            }
            while ox < interiorEnd && interiorEnd - interiorStart >= 4 {
                // The last block of four is moved back to end at `interiorEnd` (recomputing a few pixels)
                // instead of leaving up to three pixels to the slower clipped path.
                ox = min(ox, interiorEnd - 4)
                let left = ox * s - g.padLeft
                let b = load16(bias + c)
                var a0 = b, a1 = b, a2 = b, a3 = b
                for ky in kyRange {
                    let line = input + ((top + ky) * g.width + left) * channels + c
                    let w = weights + ky * k * channels + c
                    for kx in 0..<k {
                        let wv = load16(w + kx * channels)
                        let p = line + kx * channels
                        a0 = a0.addingProduct(load16(p), wv)
                        a1 = a1.addingProduct(load16(p + s * channels), wv)
                        a2 = a2.addingProduct(load16(p + 2 * s * channels), wv)
                        a3 = a3.addingProduct(load16(p + 3 * s * channels), wv)
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
                depthwisePixel16(input, g, weights, bias, outRow + ox * channels, top: top, left: ox * s - g.padLeft,
                                 kyRange: kyRange, channel: c)
                ox += 1
            }
            c += 16
        }
        if c < channels {
            for ox in 0..<outW {
                let left = ox * s - g.padLeft
                depthwiseTail(input, g, weights, bias, outRow + ox * channels, top: top, left: left, kyRange: kyRange,
                              kxRange: max(0, -left)..<min(k, g.width - left), from: c)
            }
        }
    }
}

/// Channels `channel..<channel + 16` of one output pixel, with the kernel clipped to the image.
@inline(__always)
func depthwisePixel16(_ input: UnsafePointer<Float>, _ g: ConvGeometry, _ weights: UnsafePointer<Float>,
                              _ bias: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, top: Int, left: Int,
                              kyRange: Range<Int>, channel c: Int) {
    let channels = g.channels, k = g.kernelWidth
    let kxRange = max(0, -left)..<min(k, g.width - left)
    var acc = load16(bias + c)
    for ky in kyRange {
        for kx in kxRange {
            acc = acc.addingProduct(load16(input + ((top + ky) * g.width + left + kx) * channels + c),
                                    load16(weights + (ky * k + kx) * channels + c))
        }
    }
    store16(relu6(acc), out + c)
}

/// Channels `from..<C` of one output pixel, scalar (channel counts that are not a multiple of 16).
private func depthwiseTail(_ input: UnsafePointer<Float>, _ g: ConvGeometry, _ weights: UnsafePointer<Float>,
                           _ bias: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, top: Int, left: Int,
                           kyRange: Range<Int>, kxRange: Range<Int>, from: Int) {
    let channels = g.channels, k = g.kernelWidth
    for c in from..<channels {
        var acc = bias[c]
        for ky in kyRange {
            for kx in kxRange {
                acc += input[((top + ky) * g.width + left + kx) * channels + c] * weights[(ky * k + kx) * channels + c]
            }
        }
        out[c] = min(max(acc, 0), 6)
    }
}
