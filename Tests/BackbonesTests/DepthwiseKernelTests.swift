import Kernels
import Tensors
import XCTest
import Backbones

/// The SIMD depthwise kernel against a direct loop, over strides, kernels, odd sizes and channel tails.
final class DepthwiseKernelTests: XCTestCase {
    func testMatchesDirectConvolution() {
        var generator = RandomGenerator(seed: 3)
        // Includes the sliding path (stride 1, k 3 or 5, channels a multiple of 16) and the general one.
        for (channels, height, width, kernel, stride) in [(12, 9, 11, 3, 1), (16, 10, 10, 5, 2), (21, 7, 13, 5, 1),
                                                          (8, 3, 2, 3, 2), (40, 17, 16, 3, 2), (32, 9, 13, 3, 1),
                                                          (48, 8, 11, 5, 1), (16, 6, 4, 5, 1), (16, 5, 3, 3, 1)] {
            let g = ConvGeometry.same(channels: channels, height: height, width: width, kernel: kernel, stride: stride)
            let input = Tensor.randn([height, width, channels], generator: &generator)
            let weights = Tensor.randn([kernel, kernel, channels], generator: &generator)
            let bias = Tensor.randn([channels], generator: &generator)
            let (outH, outW) = (g.outputHeight, g.outputWidth)
            XCTAssertEqual(outH, (height + stride - 1) / stride)
            let output = Tensor.zeros([outH, outW, channels])
            depthwiseConvolutionReLU6(input.pointer, g, weights: weights.pointer, bias: bias.pointer,
                                      output: output.pointer, rows: 0..<outH)
            var expected = [Float](repeating: 0, count: outH * outW * channels)
            for oy in 0..<outH { for ox in 0..<outW { for c in 0..<channels {
                var sum = bias[c]
                for ky in 0..<kernel { for kx in 0..<kernel {
                    let y = oy * stride + ky - g.padTop, x = ox * stride + kx - g.padLeft
                    if y >= 0 && y < height && x >= 0 && x < width { sum += input[y, x, c] * weights[ky, kx, c] }
                } }
                expected[(oy * outW + ox) * channels + c] = Swift.min(Swift.max(sum, 0), 6)
            } } }
            let error = Reference.relativeError(output, Tensor(shape: [outH, outW, channels], data: expected))
            XCTAssertLessThan(error, 1e-6, "C \(channels) \(height)x\(width) k \(kernel) s \(stride)")
        }
    }

    /// TF SAME padding: stride 2 on even sizes pads (0, 1) for k = 3 and (1, 2) for k = 5.
    func testSamePadding() {
        let g3 = ConvGeometry.same(channels: 1, height: 224, width: 250, kernel: 3, stride: 2)
        XCTAssertEqual([g3.padTop, g3.padBottom, g3.padLeft, g3.padRight], [0, 1, 0, 1])
        XCTAssertEqual([g3.outputHeight, g3.outputWidth], [112, 125])
        let g5 = ConvGeometry.same(channels: 1, height: 28, width: 125, kernel: 5, stride: 2)
        XCTAssertEqual([g5.padTop, g5.padBottom, g5.padLeft, g5.padRight], [1, 2, 2, 2])
        XCTAssertEqual([g5.outputHeight, g5.outputWidth], [14, 63])
    }
}
