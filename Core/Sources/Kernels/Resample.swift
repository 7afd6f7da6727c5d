/// Bilinear resampling of planes `[P, H, W]` to `[P, outH, outW]` with PyTorch's coordinate rules.
public struct BilinearTaps: Sendable {
    public let low: [Int], high: [Int], weight: [Float]   // weight of `high`

    /// Source taps along one axis. align_corners=true maps corners to corners; false maps pixel
    /// centres (src = (dst + 0.5) * in/out - 0.5, clamped at 0), as torch.nn.functional.interpolate.
    public init(input: Int, output: Int, alignCorners: Bool) {
        var low = [Int](), high = [Int](), weight = [Float]()
        for o in 0..<output {
            let source: Float
            if alignCorners {
                source = output > 1 ? Float(o) * Float(input - 1) / Float(output - 1) : 0
            } else {
                source = Swift.max((Float(o) + 0.5) * Float(input) / Float(output) - 0.5, 0)
            }
            let l = Swift.min(Int(source), input - 1)
            low.append(l)
            high.append(Swift.min(l + 1, input - 1))
            weight.append(source - Float(l))
        }
        self.low = low; self.high = high; self.weight = weight
    }
}

/// Resamples `planes` images; with `adjoint`, scatters `x` (shaped like the output) back into `y`
/// (shaped like the input), accumulating: the gradient of the forward map.
public func bilinear(_ x: UnsafePointer<Float>, planes: Int, inputHeight: Int, inputWidth: Int,
                     outputHeight: Int, outputWidth: Int, alignCorners: Bool, adjoint: Bool = false,
                     into y: UnsafeMutablePointer<Float>) {
    let rows = BilinearTaps(input: inputHeight, output: outputHeight, alignCorners: alignCorners)
    let cols = BilinearTaps(input: inputWidth, output: outputWidth, alignCorners: alignCorners)
    let px = SendableConstPointer(x), py = SendablePointer(y)
    Parallel.forEachChunk(planes, grain: 1) { range in
        for p in range {
            let inPlane = p * inputHeight * inputWidth, outPlane = p * outputHeight * outputWidth
            for oy in 0..<outputHeight {
                let y0 = rows.low[oy] * inputWidth, y1 = rows.high[oy] * inputWidth, wy = rows.weight[oy]
                for ox in 0..<outputWidth {
                    let x0 = cols.low[ox], x1 = cols.high[ox], wx = cols.weight[ox]
                    let w00 = (1 - wy) * (1 - wx), w01 = (1 - wy) * wx, w10 = wy * (1 - wx), w11 = wy * wx
                    if adjoint {
                        let g = px[outPlane + oy * outputWidth + ox]
                        let base = py.base + inPlane
                        base[y0 + x0] += w00 * g; base[y0 + x1] += w01 * g
                        base[y1 + x0] += w10 * g; base[y1 + x1] += w11 * g
                    } else {
                        let base = px.base + inPlane
                        py[outPlane + oy * outputWidth + ox] = w00 * base[y0 + x0] + w01 * base[y0 + x1]
                            + w10 * base[y1 + x0] + w11 * base[y1 + x1]
                    }
                }
            }
        }
    }
}
