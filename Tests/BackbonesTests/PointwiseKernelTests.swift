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
