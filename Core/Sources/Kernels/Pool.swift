/// 2-D pooling over planes `[P, H, W]` (P = N*C) with a square-or-not window, stride and zero padding.
public struct PoolGeometry: Sendable {
    public var height, width, kernelHeight, kernelWidth, strideY, strideX, padY, padX: Int

    public init(height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, strideY: Int, strideX: Int, padY: Int, padX: Int) {
        self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideY = strideY; self.strideX = strideX; self.padY = padY; self.padX = padX
    }

    public var outputHeight: Int { (height + 2 * padY - kernelHeight) / strideY + 1 }
    public var outputWidth: Int { (width + 2 * padX - kernelWidth) / strideX + 1 }
}

/// Average pooling. With `countPadding` the divisor is always kh*kw (PyTorch count_include_pad=True);
/// otherwise it is the number of in-image elements of each window.
public func averagePool(_ x: UnsafePointer<Float>, planes: Int, _ g: PoolGeometry, countPadding: Bool,
                        into y: UnsafeMutablePointer<Float>) {
    let x = SendableConstPointer(x), y = SendablePointer(y)
    poolWindows(planes: planes, g) { plane, oy, ox, y0, y1, x0, x1 in
        let input = x.base + plane * g.height * g.width
        var total: Float = 0
        for yy in y0..<y1 { for xx in x0..<x1 { total += input[yy * g.width + xx] } }
        let divisor = countPadding ? g.kernelHeight * g.kernelWidth : (y1 - y0) * (x1 - x0)
        y[(plane * g.outputHeight + oy) * g.outputWidth + ox] = total / Float(divisor)
    }
}

/// Adjoint of `averagePool`: spreads each output gradient over its window (accumulating into `dx`).
public func averagePoolBackward(_ dy: UnsafePointer<Float>, planes: Int, _ g: PoolGeometry, countPadding: Bool,
                                addingInto dx: UnsafeMutablePointer<Float>) {
    let dy = SendableConstPointer(dy), dx = SendablePointer(dx)
    poolWindows(planes: planes, g) { plane, oy, ox, y0, y1, x0, x1 in
        let divisor = countPadding ? g.kernelHeight * g.kernelWidth : (y1 - y0) * (x1 - x0)
        let share = dy[(plane * g.outputHeight + oy) * g.outputWidth + ox] / Float(divisor)
        let target = dx.base + plane * g.height * g.width
        for yy in y0..<y1 { for xx in x0..<x1 { target[yy * g.width + xx] += share } }
    }
}

/// Max pooling; `argmax` receives the flat in-plane index of each window's maximum (first on ties).
public func maxPool(_ x: UnsafePointer<Float>, planes: Int, _ g: PoolGeometry,
                    into y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
    let x = SendableConstPointer(x), y = SendablePointer(y), argmax = SendablePointer(argmax)
    poolWindows(planes: planes, g) { plane, oy, ox, y0, y1, x0, x1 in
        let input = x.base + plane * g.height * g.width
        var best = -Float.infinity, at = y0 * g.width + x0
        for yy in y0..<y1 { for xx in x0..<x1 where input[yy * g.width + xx] > best || input[yy * g.width + xx].isNaN {
            best = input[yy * g.width + xx]; at = yy * g.width + xx
        } }
        let o = (plane * g.outputHeight + oy) * g.outputWidth + ox
        y[o] = best
        argmax[o] = Int32(at)
    }
}

/// Visits every output window, clipped to the image, planes split over cores (each plane is
/// written by one thread only, so backward accumulation is race-free).
@inline(__always)
func poolWindows(planes: Int, _ g: PoolGeometry, _ body: @Sendable (Int, Int, Int, Int, Int, Int, Int) -> Void) {
    Parallel.forEachChunk(planes, grain: Swift.max(1, 8_192 / Swift.max(g.outputHeight * g.outputWidth, 1))) { range in
        for plane in range {
            for oy in 0..<g.outputHeight {
                let y0 = Swift.max(oy * g.strideY - g.padY, 0), y1 = Swift.min(oy * g.strideY - g.padY + g.kernelHeight, g.height)
                for ox in 0..<g.outputWidth {
                    let x0 = Swift.max(ox * g.strideX - g.padX, 0), x1 = Swift.min(ox * g.strideX - g.padX + g.kernelWidth, g.width)
                    body(plane, oy, ox, y0, y1, x0, x1)
                }
            }
        }
    }
}
