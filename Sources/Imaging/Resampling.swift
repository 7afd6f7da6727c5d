import Foundation

/// Resampling filters of PIL's `Image.resize`; the smooth ones antialias when shrinking.
public enum ResampleFilter: String, Sendable, CaseIterable {
    /// PIL NEAREST: the source pixel under each output pixel's centre (for masks).
    case nearest
    /// PIL BILINEAR (triangle filter, support 1), torchvision's default for PIL images.
    case bilinear
    /// PIL BICUBIC (Keys cubic with a = -0.5, support 2).
    case bicubic
    /// PIL LANCZOS (windowed sinc, support 3).
    case lanczos

    /// Filter radius in source pixels at scale 1 (scaled by the downscale factor when shrinking).
    var support: Double {
        switch self {
        case .nearest: return 0
        case .bilinear: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The filter kernel, exactly as PIL's `Resample.c` writes it.
    func weight(_ x: Double) -> Double {
        switch self {
        case .nearest:  // resized by index selection, never convolved; the box kernel is its convolution form
            return x >= -0.5 && x < 0.5 ? 1 : 0
        case .bilinear:
            let t = abs(x)
            return t < 1 ? 1 - t : 0
        case .bicubic:
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .lanczos:
            return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0
        }
    }

    private func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let px = x * Double.pi
        return sin(px) / px
    }
}

extension Image {
    /// This image resized to `width` x `height` as PIL's `Image.resize(size, filter)` does.
    ///
    /// Smooth filters use PIL's separable convolution (horizontal pass, then vertical) with the
    /// kernel support widened by the downscale factor (antialiasing) and PIL's 22-bit fixed-point
    /// weights, so 8-bit results match Pillow's byte for byte.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResampleFilter = .bilinear) throws -> Image {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidSize(width: newWidth, height: newHeight, channels: channels)
        }
        if newWidth == width && newHeight == height { return self }
        if filter == .nearest { return nearestResized(width: newWidth, height: newHeight) }
        var image = self
        if newWidth != width {
            let coefficients = ResampleCoefficients(inputSize: width, outputSize: newWidth, filter: filter)
            image = image.convolvedHorizontally(coefficients)
        }
        if newHeight != height {
            let coefficients = ResampleCoefficients(inputSize: height, outputSize: newHeight, filter: filter)
            image = image.convolvedVertically(coefficients)
        }
        return image
    }

    /// PIL's NEAREST resize (`ImagingScaleAffine`): source index floor((i + 0.5) * scale), accumulated in Double.
    private func nearestResized(width newWidth: Int, height newHeight: Int) -> Image {
        func sourceIndices(input: Int, output: Int) -> [Int] {
            let scale = Double(input) / Double(output)
            var position = scale * 0.5
            var indices = [Int](repeating: 0, count: output)
            for i in 0..<output {
                indices[i] = min(Int(position), input - 1)
                position += scale
            }
            return indices
        }
        let xs = sourceIndices(input: width, output: newWidth)
        let ys = sourceIndices(input: height, output: newHeight)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<newHeight {
                    let sourceRow = ys[y] * width * channels
                    let targetRow = y * newWidth * channels
                    for x in 0..<newWidth {
                        for c in 0..<channels {
                            target[targetRow + x * channels + c] = source[sourceRow + xs[x] * channels + c]
                        }
                    }
                }
            }
        }
        return Image(validWidth: newWidth, height: newHeight, channels: channels, pixels: out)
    }

    private func convolvedHorizontally(_ k: ResampleCoefficients) -> Image {
        let outWidth = k.outputSize, channels = self.channels
        var out = [UInt8](repeating: 0, count: outWidth * height * channels)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                k.weights.withUnsafeBufferPointer { weights in
                    for y in 0..<height {
                        let row = source.baseAddress! + y * width * channels
                        let targetRow = target.baseAddress! + y * outWidth * channels
                        for x in 0..<outWidth {
                            let window = row + k.starts[x] * channels, w = weights.baseAddress! + x * k.stride
                            let taps = k.counts[x]
                            // Gray and RGB get their own loops: one pass over the taps for all channels.
                            if channels == 3 {
                                var r = ResampleCoefficients.rounding, g = r, b = r
                                for t in 0..<taps {
                                    let weight = w[t], p = window + 3 * t
                                    r += Int(p[0]) * weight
                                    g += Int(p[1]) * weight
                                    b += Int(p[2]) * weight
                                }
                                targetRow[3 * x] = ResampleCoefficients.clip(r)
                                targetRow[3 * x + 1] = ResampleCoefficients.clip(g)
                                targetRow[3 * x + 2] = ResampleCoefficients.clip(b)
                            } else {
                                var sum = ResampleCoefficients.rounding
                                for t in 0..<taps { sum += Int(window[t]) * w[t] }
                                targetRow[x] = ResampleCoefficients.clip(sum)
                            }
                        }
                    }
                }
            }
        }
        return Image(validWidth: outWidth, height: height, channels: channels, pixels: out)
    }

    private func convolvedVertically(_ k: ResampleCoefficients) -> Image {
        let outHeight = k.outputSize
        let rowLength = width * channels
        var out = [UInt8](repeating: 0, count: rowLength * outHeight)
        // Whole rows are accumulated tap by tap (a contiguous, vectorisable loop); integer sums do not
        // depend on the order, so the result equals PIL's pixel-by-pixel loop.
        var sums = [Int32](repeating: 0, count: rowLength)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<outHeight {
                        let first = k.starts[y], w = y * k.stride
                        sums.update(repeating: Int32(ResampleCoefficients.rounding))
                        for t in 0..<k.counts[y] {
                            let weight = Int32(k.weights[w + t])
                            let row = source.baseAddress! + (first + t) * rowLength
                            for i in 0..<rowLength { sums[i] &+= Int32(row[i]) &* weight }
                        }
                        let targetRow = target.baseAddress! + y * rowLength
                        for i in 0..<rowLength { targetRow[i] = ResampleCoefficients.clip(Int(sums[i])) }
                    }
                }
            }
        }
        return Image(validWidth: width, height: outHeight, channels: channels, pixels: out)
    }
}

/// Per-output-pixel source window and fixed-point weights along one axis (PIL's `precompute_coeffs`).
struct ResampleCoefficients {
    /// Fraction bits of the fixed-point weights (PIL: 32 - 8 - 2).
    static let precisionBits = 22
    static let rounding = 1 << (precisionBits - 1)

    let outputSize: Int
    /// Weights per output pixel (the widest window); row `i` starts at `i * stride`.
    let stride: Int
    let starts: [Int]
    let counts: [Int]
    let weights: [Int]

    init(inputSize: Int, outputSize: Int, filter: ResampleFilter) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let inverseFilterScale = 1 / filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](repeating: 0, count: outputSize)
        var counts = [Int](repeating: 0, count: outputSize)
        var weights = [Int](repeating: 0, count: outputSize * stride)
        var window = [Double](repeating: 0, count: stride)
        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            // C's (int) cast truncates toward zero; both bounds are clamped to the image.
            let first = max(Int(center - support + 0.5), 0)
            let last = min(Int(center + support + 0.5), inputSize)
            let count = max(last - first, 0)
            var total = 0.0
            for t in 0..<count {
                window[t] = filter.weight((Double(t + first) - center + 0.5) * inverseFilterScale)
                total += window[t]
            }
            for t in 0..<count {
                let normalised = total != 0 ? window[t] / total : window[t]
                let fixed = normalised * Double(1 << ResampleCoefficients.precisionBits)
                weights[i * stride + t] = Int(fixed < 0 ? fixed - 0.5 : fixed + 0.5)
            }
            starts[i] = first
            counts[i] = count
        }
        self.outputSize = outputSize
        self.stride = stride
        self.starts = starts
        self.counts = counts
        self.weights = weights
    }

    /// PIL's `clip8`: fixed-point sum to a byte.
    @inline(__always) static func clip(_ sum: Int) -> UInt8 {
        if sum >= (1 << precisionBits) << 8 { return 255 }
        if sum <= 0 { return 0 }
        return UInt8(truncatingIfNeeded: sum >> precisionBits)
    }
}
