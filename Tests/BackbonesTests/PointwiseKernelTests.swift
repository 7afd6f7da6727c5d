import Kernels
import Tensors
import XCTest

/// Both 1x1-convolution kernels against a direct loop: channel counts off the 16/8 blocking, pixel
/// counts off the 6-pixel blocking, every epilogue, and the strided (im2col) input layout.
final class PointwiseKernelTests: XCTestCase {
    func testKernelsMatchDirectLoop() {
        var generator = RandomGenerator(seed: 9)
        for (pixels, inputs, outputs) in [(13, 5, 27), (64, 16, 96), (7, 40, 8), (6, 3, 16), (50, 200, 100)] {
            let x = Tensor.randn([pixels, inputs], generator: &generator)
            let w = Tensor.randn([inputs, outputs], generator: &generator)
            let b = Tensor.randn([outputs], generator: &generator)
            let residual = Tensor.randn([pixels, outputs], generator: &generator)
            let columns = x.transposed(0, 1).contiguous()  // [inputs, pixels]
            for (name, epilogue) in [("bias", Epilogue.bias), ("relu6", .biasReLU6), ("residual", .biasResidual(residual.pointer))] {
                var expected = [Float](repeating: 0, count: pixels * outputs)
                for p in 0..<pixels {
                    for o in 0..<outputs {
                        var sum = b[o]
                        for i in 0..<inputs { sum += x[p, i] * w[i, o] }
                        switch epilogue {
                        case .bias: break
                        case .biasReLU6: sum = min(max(sum, 0), 6)
                        case .biasResidual: sum += residual[p, o]
                        }
                        expected[p * outputs + o] = sum
                    }
                }
                let reference = Tensor(shape: [pixels, outputs], data: expected)
                let viaGEMM = Tensor.zeros([pixels, outputs]), direct = Tensor.zeros([pixels, outputs])
                let fromColumns = Tensor.zeros([pixels, outputs])
                pointwiseConvolutionSGEMM(x.pointer, pixels: pixels, inputChannels: inputs, weights: w.pointer, bias: b.pointer,
                                          outputChannels: outputs, epilogue: epilogue, output: viaGEMM.pointer)
                pointwiseConvolutionDirect(PixelLayout(x.pointer, pixelStride: inputs, channelStride: 1), pixels: pixels,
                                           inputChannels: inputs, weights: w.pointer, bias: b.pointer, outputChannels: outputs,
                                           epilogue: epilogue, output: direct.pointer)
                pointwiseConvolutionDirect(PixelLayout(columns.pointer, pixelStride: 1, channelStride: pixels), pixels: pixels,
                                           inputChannels: inputs, weights: w.pointer, bias: b.pointer, outputChannels: outputs,
                                           epilogue: epilogue, output: fromColumns.pointer)
                let what = "\(pixels)x\(inputs)->\(outputs) \(name)"
                XCTAssertLessThan(Reference.relativeError(viaGEMM, reference), 1e-5, "sgemm " + what)
                XCTAssertLessThan(Reference.relativeError(direct, reference), 1e-5, "direct " + what)
                XCTAssertLessThan(Reference.relativeError(fromColumns, reference), 1e-5, "columns " + what)
            }
        }
    }
}

/// `gatherPatches` is `im2col` transposed, for any band of output rows.
final class PatchesTests: XCTestCase {
    func testMatchesTransposedIm2col() {
        var generator = RandomGenerator(seed: 4)
        for g in [ConvGeometry(channels: 3, height: 9, width: 8, kernelHeight: 3, kernelWidth: 3, strideY: 2, strideX: 2,
                               padTop: 0, padBottom: 1, padLeft: 0, padRight: 1),
                  ConvGeometry(channels: 2, height: 7, width: 11, kernelHeight: 3, kernelWidth: 2, strideY: 1, strideX: 2,
                               dilationY: 2, padTop: 2, padBottom: 2, padLeft: 1, padRight: 0)] {
            let image = Tensor.randn([g.channels, g.height, g.width], generator: &generator)
            let columns = Tensor.zeros([g.columnRows, g.columnCount])
            im2col(image.pointer, g, into: columns.pointer)
            let expected = columns.transposed(0, 1).contiguous().toArray()
            let all = Tensor.zeros([g.columnCount, g.columnRows])
            gatherPatches(image.pointer, g, rows: 0..<g.outputHeight, into: all.pointer)
            XCTAssertEqual(all.toArray(), expected)
            let band = Tensor.zeros([2 * g.outputWidth, g.columnRows])
            gatherPatches(image.pointer, g, rows: 1..<3, into: band.pointer)
            XCTAssertEqual(band.toArray(), Array(expected[(g.outputWidth * g.columnRows)..<(3 * g.outputWidth * g.columnRows)]))
        }
    }
}
