/// Geometry of a 2-D convolution on one image: input `[C, H, W]`, kernel `kh x kw`, stride,
/// dilation and (possibly asymmetric) zero padding.
public struct ConvGeometry: Sendable, Equatable {
    public var channels, height, width: Int
    public var kernelHeight, kernelWidth: Int
    public var strideY, strideX: Int
    public var dilationY, dilationX: Int
    public var padTop, padBottom, padLeft, padRight: Int

    public init(channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
                strideY: Int = 1, strideX: Int = 1, dilationY: Int = 1, dilationX: Int = 1,
                padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0) {
        self.channels = channels; self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideY = strideY; self.strideX = strideX
        self.dilationY = dilationY; self.dilationX = dilationX
        self.padTop = padTop; self.padBottom = padBottom; self.padLeft = padLeft; self.padRight = padRight
    }

    public var outputHeight: Int { (height + padTop + padBottom - dilationY * (kernelHeight - 1) - 1) / strideY + 1 }
    public var outputWidth: Int { (width + padLeft + padRight - dilationX * (kernelWidth - 1) - 1) / strideX + 1 }
    /// Rows of the column matrix: `C * kh * kw`.
    public var columnRows: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: `outH * outW`.
    public var columnCount: Int { outputHeight * outputWidth }
}

/// Unfolds one image `[C, H, W]` into columns `[C*kh*kw, outH*outW]` (zeros where padding is read).
public func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    let outH = g.outputHeight, outW = g.outputWidth
    var row = 0
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let out = columns + row * outH * outW
                let dy = ky * g.dilationY - g.padTop, dx = kx * g.dilationX - g.padLeft
                for oy in 0..<outH {
                    let y = oy * g.strideY + dy
                    let line = out + oy * outW
                    if y < 0 || y >= g.height { line.update(repeating: 0, count: outW); continue }
                    let source = plane + y * g.width
                    if g.strideX == 1 {
                        // Contiguous run with zero fringes.
                        let first = max(0, -dx), last = min(outW, g.width - dx)
                        if first > 0 { line.update(repeating: 0, count: min(first, outW)) }
                        if last > first { (line + first).update(from: source + first + dx, count: last - first) }
                        if last < outW { (line + max(last, 0)).update(repeating: 0, count: outW - max(last, 0)) }
                    } else {
                        for ox in 0..<outW {
                            let x = ox * g.strideX + dx
                            line[ox] = x >= 0 && x < g.width ? source[x] : 0
                        }
                    }
                }
                row += 1
            }
        }
    }
}

/// Folds columns `[C*kh*kw, outH*outW]` back into an image `[C, H, W]`, adding overlapping
/// contributions (the adjoint of `im2col`; `image` is accumulated into, not overwritten).
public func col2im(_ columns: UnsafePointer<Float>, _ g: ConvGeometry, addingInto image: UnsafeMutablePointer<Float>) {
    let outH = g.outputHeight, outW = g.outputWidth
    var row = 0
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let source = columns + row * outH * outW
                let dy = ky * g.dilationY - g.padTop, dx = kx * g.dilationX - g.padLeft
                for oy in 0..<outH {
                    let y = oy * g.strideY + dy
                    if y < 0 || y >= g.height { continue }
                    let line = plane + y * g.width, values = source + oy * outW
                    for ox in 0..<outW {
                        let x = ox * g.strideX + dx
                        if x >= 0 && x < g.width { line[x] += values[ox] }
                    }
                }
                row += 1
            }
        }
    }
}
