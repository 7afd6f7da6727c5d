import Backbones
import Foundation
import Kernels
import Tensors

/// Times the depthwise kernel on one thread for the layer shapes of EfficientNet-Lite0 at 256x256.
struct DepthwiseBenchmark {
    func run() -> String {
        var lines: [String] = []
        var total = 0.0
        DepthwiseLayer.cases { layer in
            let ms = PointwiseBenchmark.time(layer.run)
            total += ms
            lines.append(String(format: "{\"case\": \"depthwise\", \"input\": \"%@\", \"k\": %d, \"s\": %d, \"ms\": %.3f, \"gmacs\": %.1f}",
                                layer.input, layer.g.kernelWidth, layer.g.strideX, ms, layer.macs / ms / 1e6))
        }
        lines.append(String(format: "{\"case\": \"depthwise_total\", \"ms\": %.3f}", total))
        return lines.joined(separator: "\n")
    }
}

/// One of Lite0's depthwise convolutions at 256x256 with random operands (`rlr-bench depthwise`, `variants`).
struct DepthwiseLayer {
    /// (height, width, channels, kernel, stride) of Lite0's depthwise convolutions up to stride 16.
    static let shapes = [(128, 128, 32, 3, 1), (128, 128, 96, 3, 2), (64, 64, 144, 3, 1), (64, 64, 144, 5, 2),
                         (32, 32, 240, 5, 1), (32, 32, 240, 3, 2), (16, 16, 480, 3, 1), (16, 16, 480, 5, 1),
                         (16, 16, 672, 5, 1)]

    let g: ConvGeometry
    let x, w, b, y: Tensor

    /// "HxWxC" of the input.
    var input: String { "\(g.height)x\(g.width)x\(g.channels)" }
    /// Multiply-adds of one run.
    var macs: Double { Double(g.outputHeight * g.outputWidth * g.channels * g.kernelWidth * g.kernelHeight) }

    /// The whole layer on this thread.
    func run() {
        depthwiseConvolutionReLU6(x.pointer, g, weights: w.pointer, bias: b.pointer, output: y.pointer, rows: 0..<g.outputHeight)
    }

    /// Each layer of `shapes` in turn (TF "SAME" padding, as the network uses).
    static func cases(_ body: (DepthwiseLayer) -> Void) {
        var generator = RandomGenerator(seed: 5)
        for (height, width, channels, kernel, stride) in shapes {
            let g = ConvGeometry.same(channels: channels, height: height, width: width, kernel: kernel, stride: stride)
            body(DepthwiseLayer(g: g, x: Tensor.randn([height, width, channels], generator: &generator),
                                w: Tensor.randn([kernel, kernel, channels], generator: &generator),
                                b: Tensor.randn([channels], generator: &generator), y: Tensor.zeros([g.outputHeight, g.outputWidth, channels])))
        }
    }
}
