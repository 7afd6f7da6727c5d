import Foundation
import Kernels
import Tensors

/// Times the depthwise kernel on one thread for the layer shapes of EfficientNet-Lite0 at 256x256.
struct DepthwiseBenchmark {
    /// (height, width, channels, kernel, stride) of Lite0's depthwise convolutions up to stride 16.
    static let shapes = [(128, 128, 32, 3, 1), (128, 128, 96, 3, 2), (64, 64, 144, 3, 1), (64, 64, 144, 5, 2),
                         (32, 32, 240, 5, 1), (32, 32, 240, 3, 2), (16, 16, 480, 3, 1), (16, 16, 480, 5, 1),
                         (16, 16, 672, 5, 1)]

    func run() -> String {
        var generator = RandomGenerator(seed: 5)
        var lines: [String] = []
        var total = 0.0
        for (height, width, channels, kernel, stride) in Self.shapes {
            // TF "SAME" padding, as the network uses.
            let padding = max(((height + stride - 1) / stride - 1) * stride + kernel - height, 0)
            let g = ConvGeometry(channels: channels, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
                                 strideY: stride, strideX: stride, padTop: padding / 2, padBottom: padding - padding / 2,
                                 padLeft: padding / 2, padRight: padding - padding / 2)
            let x = Tensor.randn([height, width, channels], generator: &generator)
            let w = Tensor.randn([kernel, kernel, channels], generator: &generator)
            let b = Tensor.randn([channels], generator: &generator)
            let y = Tensor.zeros([g.outputHeight, g.outputWidth, channels])
            let ms = PointwiseBenchmark.time {
                depthwiseConvolutionReLU6(x.pointer, g, weights: w.pointer, bias: b.pointer, output: y.pointer,
                                          rows: 0..<g.outputHeight)
            }
            total += ms
            let macs = Double(g.outputHeight * g.outputWidth * channels * kernel * kernel)
            lines.append(String(format: "{\"case\": \"depthwise\", \"input\": \"%dx%dx%d\", \"k\": %d, \"s\": %d, \"ms\": %.3f, \"gmacs\": %.1f}",
                                height, width, channels, kernel, stride, ms, macs / ms / 1e6))
        }
        lines.append(String(format: "{\"case\": \"depthwise_total\", \"ms\": %.3f}", total))
        return lines.joined(separator: "\n")
    }
}
