import Foundation
import Kernels
import Tensors

/// Times the two 1x1-convolution kernels (SGEMM + epilogue, register-blocked direct) on one thread
/// for the layer shapes of EfficientNet-Lite0 at 256x256, to pick the faster per shape.
struct PointwiseBenchmark {
    /// (pixels, input channels, output channels) of Lite0's 1x1 convolutions up to stride 16 at 256x256.
    static let shapes = [(16384, 32, 16), (16384, 16, 96), (4096, 96, 24), (4096, 24, 144), (4096, 144, 24),
                         (1024, 144, 40), (1024, 40, 240), (1024, 240, 40), (256, 240, 80), (256, 80, 480),
                         (256, 480, 80), (256, 480, 112), (256, 112, 672), (256, 672, 112)]

    func run() -> String {
        var generator = RandomGenerator(seed: 5)
        var lines: [String] = []
        Parallel.withThreadCount(1) {
            for (pixels, inputs, outputs) in Self.shapes {
                let x = Tensor.randn([pixels, inputs], generator: &generator)
                let w = Tensor.randn([inputs, outputs], generator: &generator)
                let b = Tensor.randn([outputs], generator: &generator)
                let y = Tensor.zeros([pixels, outputs])
                let gemm = Self.time {
                    pointwiseConvolutionSGEMM(x.pointer, pixels: pixels, inputChannels: inputs, weights: w.pointer, bias: b.pointer,
                                         outputChannels: outputs, epilogue: .biasReLU6, output: y.pointer)
                }
                let direct = Self.time {
                    pointwiseConvolutionDirect(PixelLayout(x.pointer, pixelStride: inputs, channelStride: 1), pixels: pixels,
                                               inputChannels: inputs, weights: w.pointer, bias: b.pointer,
                                               outputChannels: outputs, epilogue: .biasReLU6, output: y.pointer)
                }
                let gflop = 2 * Double(pixels * inputs * outputs) / 1e9
                lines.append(String(format: "{\"case\": \"pointwise\", \"pixels\": %d, \"in\": %d, \"out\": %d, \"sgemm_ms\": %.3f, \"direct_ms\": %.3f, \"sgemm_gflops\": %.1f, \"direct_gflops\": %.1f}",
                                    pixels, inputs, outputs, gemm, direct, gflop / gemm * 1e3, gflop / direct * 1e3))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Minimum milliseconds over 20 runs after 3 warm-ups.
    static func time(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for i in 0..<23 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            if i >= 3 { best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        }
        return best
    }
}
