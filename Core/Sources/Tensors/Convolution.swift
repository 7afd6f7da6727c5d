import Kernels

/// Zero padding of a 2-D operation: top, bottom, left, right (asymmetric allowed, as TF "SAME" needs).
public struct Padding2D: Sendable, Equatable {
    public var top, bottom, left, right: Int
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
    }
    /// The same amount on every side.
    public init(_ all: Int) { self.init(top: all, bottom: all, left: all, right: all) }
}

extension Tensor {
    /// 2-D convolution (cross-correlation, as PyTorch) of `[N, C, H, W]` with `weight [O, C/groups, kh, kw]`.
    ///
    /// im2col + GEMM per image and group: on a CPU with OpenBLAS this GEMM primitive is the honest
    /// choice (tinygrad composes conv from movement ops instead). Depthwise is `groups == C`.
    public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: Padding2D = Padding2D(0),
                       dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
        precondition(rank == 4 && weight.rank == 4, "conv2d needs input [N, C, H, W] and weight [O, C/groups, kh, kw], got \(shape) and \(weight.shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        precondition(c % groups == 0 && o % groups == 0 && cg == c / groups,
                     "conv2d: \(c) input channels, \(o) outputs and weight \(weight.shape) do not fit groups=\(groups)")
        let og = o / groups
        let geometry = ConvGeometry(channels: cg, height: h, width: w, kernelHeight: kh, kernelWidth: kw,
                                    strideY: stride.0, strideX: stride.1, dilationY: dilation.0, dilationX: dilation.1,
                                    padTop: padding.top, padBottom: padding.bottom, padLeft: padding.left, padRight: padding.right)
        let (oh, ow) = (geometry.outputHeight, geometry.outputWidth)
        precondition(oh > 0 && ow > 0, "conv2d: kernel \(kh)x\(kw) does not fit input \(h)x\(w) with this padding")
        let input = contiguous().detached(), kernel = weight.contiguous().detached()
        let identityColumns = kh == 1 && kw == 1 && stride == (1, 1) && padding == Padding2D(0)
        let (rowsK, colsK) = (geometry.columnRows, geometry.columnCount)

        /// Runs `body(image, group, columns)` with each image's im2col matrix, images in parallel.
        func forEachColumns(_ body: @escaping @Sendable (Int, Int, UnsafePointer<Float>) -> Void) {
            let pin = SendableConstPointer(UnsafePointer(input.pointer))
            let run: @Sendable (Range<Int>) -> Void = { range in
                let scratch = identityColumns ? nil : allocateFloats(rowsK * colsK)
                defer { scratch?.deallocate() }
                for image in range {
                    for group in 0..<groups {
                        let source = pin.base + (image * c + group * cg) * h * w
                        if let scratch { im2col(source, geometry, into: scratch) }
                        body(image, group, scratch.map { UnsafePointer($0) } ?? source)
                    }
                }
            }
            Parallel.forEachChunk(n, grain: 1, run)
        }

        let output = Tensor.zeros([n, o, oh, ow])
        let pout = SendablePointer(output.pointer), pk = SendableConstPointer(UnsafePointer(kernel.pointer))
        forEachColumns { image, group, columns in
            sgemm(m: og, n: colsK, k: rowsK, a: pk.base + group * og * rowsK, lda: rowsK, b: columns, ldb: colsK,
                  c: pout.base + (image * o + group * og) * colsK, ldc: colsK)
        }
        var result = Tensor.record(output, inputs: [self, weight]) { g in
            let gradient = g.contiguous()
            let pg = SendableConstPointer(UnsafePointer(gradient.pointer))
            var inputGrad: Tensor? = nil, weightGrad: Tensor? = nil
            if self.requiresGrad {
                let dx = Tensor.zeros([n, c, h, w])
                let pdx = SendablePointer(dx.pointer)
                let run: @Sendable (Range<Int>) -> Void = { range in
                    let columns = allocateFloats(rowsK * colsK)
                    defer { columns.deallocate() }
                    for image in range {
                        for group in 0..<groups {
                            // dcols = W_g^T [rowsK, og] x dy_g [og, colsK]
                            sgemm(transposeA: true, m: rowsK, n: colsK, k: og, a: pk.base + group * og * rowsK, lda: rowsK,
                                  b: pg.base + (image * o + group * og) * colsK, ldb: colsK, c: columns, ldc: colsK)
                            let target = pdx.base + (image * c + group * cg) * h * w
                            if identityColumns { target.update(from: columns, count: rowsK * colsK) }
                            else { col2im(columns, geometry, addingInto: target) }
                        }
                    }
                }
                Parallel.forEachChunk(n, grain: 1, run)
                inputGrad = dx
            }
            if weight.requiresGrad {
                // dW_g += dy_g [og, colsK] x cols^T [colsK, rowsK], images in sequence (each product split across cores).
                let dw = Tensor.zeros(weight.shape)
                let pdw = SendablePointer(dw.pointer)
                let scratch = identityColumns ? nil : allocateFloats(rowsK * colsK)
                defer { scratch?.deallocate() }
                for image in 0..<n {
                    for group in 0..<groups {
                        let source = UnsafePointer(input.pointer) + (image * c + group * cg) * h * w
                        if let scratch { im2col(source, geometry, into: scratch) }
                        sgemm(transposeB: true, m: og, n: rowsK, k: colsK, a: pg.base + (image * o + group * og) * colsK, lda: colsK,
                              b: scratch.map { UnsafePointer($0) } ?? source, ldb: colsK, beta: 1,
                              c: pdw.base + group * og * rowsK, ldc: rowsK)
                    }
                }
                weightGrad = dw
            }
            return [inputGrad, weightGrad]
        }
        if let bias { result = result + bias.reshaped([1, o, 1, 1]) }
        return result
    }

    /// Average pooling over `[N, C, H, W]` (PyTorch AvgPool2d; `countPadding` = count_include_pad).
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0, countPadding: Bool = true) -> Tensor {
        let g = poolGeometry(kernel: kernel, stride: stride ?? kernel, padding: padding)
        let planes = shape[0] * shape[1], input = contiguous().detached()
        let output = Tensor(shape: [shape[0], shape[1], g.outputHeight, g.outputWidth]) {
            averagePool(input.pointer, planes: planes, g, countPadding: countPadding, into: $0.baseAddress!)
        }
        return Tensor.record(output, inputs: [self]) { [inputShape = shape] gy in
            let gradient = gy.contiguous()
            let dx = Tensor.zeros(inputShape)
            averagePoolBackward(gradient.pointer, planes: planes, g, countPadding: countPadding, addingInto: dx.pointer)
            return [dx]
        }
    }

    /// Max pooling over `[N, C, H, W]` (padding counts as -infinity).
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let g = poolGeometry(kernel: kernel, stride: stride ?? kernel, padding: padding)
        let planes = shape[0] * shape[1], input = contiguous().detached()
        let outShape = [shape[0], shape[1], g.outputHeight, g.outputWidth]
        let outCount = Tensor.elementCount(outShape)
        let winners = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(outCount, 1))
        let indices = IndexBuffer(winners)
        let output = Tensor(shape: outShape) {
            maxPool(input.pointer, planes: planes, g, into: $0.baseAddress!, argmax: winners.baseAddress!)
        }
        let (ih, iw, oh, ow) = (shape[2], shape[3], g.outputHeight, g.outputWidth)
        return Tensor.record(output, inputs: [self]) { [inputShape = shape] gy in
            let gradient = gy.contiguous()
            let dx = Tensor.zeros(inputShape)
            for p in 0..<planes {
                for i in 0..<(oh * ow) {
                    dx.pointer[p * ih * iw + Int(indices.buffer[p * oh * ow + i])] += gradient.pointer[p * oh * ow + i]
                }
            }
            return [dx]
        }
    }

    private func poolGeometry(kernel: Int, stride: Int, padding: Int) -> PoolGeometry {
        precondition(rank == 4, "pooling needs [N, C, H, W], got \(shape)")
        return PoolGeometry(height: shape[2], width: shape[3], kernelHeight: kernel, kernelWidth: kernel,
                            strideY: stride, strideX: stride, padY: padding, padX: padding)
    }

    /// Bilinear resize of `[N, C, H, W]` to `size` (PyTorch interpolate, mode "bilinear").
    public func interpolateBilinear(size: (Int, Int), alignCorners: Bool) -> Tensor {
        precondition(rank == 4, "interpolation needs [N, C, H, W], got \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let input = contiguous().detached()
        let output = Tensor(shape: [n, c, size.0, size.1]) {
            bilinear(input.pointer, planes: n * c, inputHeight: h, inputWidth: w, outputHeight: size.0,
                     outputWidth: size.1, alignCorners: alignCorners, into: $0.baseAddress!)
        }
        return Tensor.record(output, inputs: [self]) { gy in
            let gradient = gy.contiguous()
            let dx = Tensor.zeros([n, c, h, w])
            bilinear(gradient.pointer, planes: n * c, inputHeight: h, inputWidth: w, outputHeight: size.0,
                     outputWidth: size.1, alignCorners: alignCorners, adjoint: true, into: dx.pointer)
            return [dx]
        }
    }

    /// Gaussian blur of the last two axes (scipy.ndimage.gaussian_filter: 'reflect' border, radius
    /// `Int(truncate * sigma + 0.5)`), separable.
    public func gaussianBlur(sigma: Float, truncate: Float = 4) -> Tensor {
        precondition(rank >= 2, "gaussianBlur needs at least [H, W], got \(shape)")
        let taps = Filter.gaussianTaps(sigma: sigma, truncate: truncate)
        let (h, w) = (shape[rank - 2], shape[rank - 1]), planes = count / Swift.max(h * w, 1)
        let input = contiguous().detached()
        func pass(_ x: UnsafePointer<Float>, adjoint: Bool, into y: UnsafeMutablePointer<Float>) {
            let middle = allocateFloats(planes * h * w)
            defer { middle.deallocate() }
            if adjoint { middle.update(repeating: 0, count: planes * h * w) }
            Filter.correlate(x, planes: planes, height: h, width: w, axis: adjoint ? 1 : 0, taps: taps, adjoint: adjoint, into: middle)
            Filter.correlate(middle, planes: planes, height: h, width: w, axis: adjoint ? 0 : 1, taps: taps, adjoint: adjoint, into: y)
        }
        let output = Tensor(shape: shape) { pass(input.pointer, adjoint: false, into: $0.baseAddress!) }
        return Tensor.record(output, inputs: [self]) { [inputShape = shape] gy in
            let gradient = gy.contiguous()
            let dx = Tensor.zeros(inputShape)
            pass(gradient.pointer, adjoint: true, into: dx.pointer)
            return [dx]
        }
    }
}

/// Owns the argmax indices a max-pool backward needs.
private final class IndexBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Int32>
    init(_ buffer: UnsafeMutableBufferPointer<Int32>) { self.buffer = buffer }
    deinit { buffer.deallocate() }
}
